package org.sparkimage.util;

/** Text for the product's self-contained HTML pages (the review gallery, the training report). */
public final class HtmlText {
    private HtmlText() {}

    /** Text for HTML element content and quoted attribute values: {@code & < > " '} and C0 controls escaped. */
    public static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
                        b.append("&#x").append(Integer.toHexString(c == 0 ? 0xFFFD : c)).append(';');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
