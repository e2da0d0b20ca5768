using SecretHook.Cli;
using SecretHook.Cli.Infrastructure;

return CliApp.Run(args, CliEnvironment.FromConsole());
