using ClusterSim.Cli;

return CommandLine.Build().Parse(args).Invoke();
