/** The jrun command line: a thin picocli layer over the engines. */
package io.jrun.cli;
