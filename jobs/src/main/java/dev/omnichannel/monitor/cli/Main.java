package dev.omnichannel.monitor.cli;

/** Entry point placeholder replaced by the picocli root command. */
public final class Main {
  public static void main(String[] args) {}
}
