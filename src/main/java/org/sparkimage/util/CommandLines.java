package org.sparkimage.util;

import java.io.PrintStream;
import java.io.PrintWriter;

import picocli.CommandLine;

/** How the project's picocli commands run: all output on one console, a failure as exit status 1. */
public final class CommandLines {
    private CommandLines() {}

    /**
     * Runs {@code command} with {@code args} and returns its exit status; an exception it throws is
     * printed as {@code "<failure>: <exception>"} with its stack trace, and gives 1.
     */
    public static int execute(Object command, PrintStream console, String failure, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setCaseInsensitiveEnumValuesAllowed(true); // --decode full, FULL or Full
        cli.setOut(new PrintWriter(console, true));
        cli.setErr(new PrintWriter(console, true));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            console.println(failure + ": " + e);
            e.printStackTrace(console);
            return 1;
        });
        return cli.execute(args);
    }
}
