/** A runnable tour of every resilience primitive: see {@link dev.resilience.examples.Tour}. */
package dev.resilience.examples;
