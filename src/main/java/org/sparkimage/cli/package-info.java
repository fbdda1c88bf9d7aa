/**
 * The command lines, on top of everything else: {@code classify} ({@link org.sparkimage.cli.ClassifyCommand}),
 * {@code quantize}, {@code train}, the per-image options they share
 * ({@link org.sparkimage.cli.ClassifierOptions}) and readable job failures. Commands parse and
 * check arguments, start the session and hand the work to the packages below.
 */
package org.sparkimage.cli;
