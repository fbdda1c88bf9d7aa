package org.sparkimage.io;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How an output row names a tar member: {@code <shard path>/<member name>}, the shard being the
 * first path element with a shard suffix ({@link TarShards#isShard}). A directory named like a
 * shard above loose files would read as a shard too; the job never gives such a directory here.
 *
 * @param shard  the archive's path as listed
 * @param member the member's name inside it
 */
public record TarMemberPath(String shard, String member) {
    /** {@link #parse}'s rule as a Java (and Spark SQL) regular expression: group 1 is the shard, 2 the member. */
    public static final String REGEX = "^(.*?" + TarShards.SUFFIX_REGEX + ")/(.+)$";
    private static final Pattern PATTERN = Pattern.compile(REGEX, Pattern.DOTALL);

    /** The shard and member of a row's path, or null when the path names no member. */
    public static TarMemberPath parse(String path) {
        Matcher m = PATTERN.matcher(path);
        return m.matches() ? new TarMemberPath(m.group(1), m.group(2)) : null;
    }

    @Override
    public String toString() {
        return shard + "/" + member;
    }
}
