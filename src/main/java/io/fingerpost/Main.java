package io.fingerpost;

public final class Main {
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("evaluate")) {
      System.exit(io.fingerpost.cli.EvaluateCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }
    System.out.println("fingerpost");
  }
}
