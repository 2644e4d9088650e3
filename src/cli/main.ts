process.stdout.write("ogmetric: the command line is being built\n");
