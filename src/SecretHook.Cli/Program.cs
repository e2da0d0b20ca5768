using System.Runtime.InteropServices;
using SecretHook.Cli;
using SecretHook.Cli.Infrastructure;

// Ctrl-C and SIGTERM end the run at once with the conventional 130/143, after removing a half-written
// report or baseline (OutputFile writes to a temporary file and renames it only when complete).
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

return CliApp.Run(args, CliEnvironment.FromConsole());

static void Stop(PosixSignalContext context)
{
    OutputFile.DiscardPending();
    Environment.Exit(context.Signal == PosixSignal.SIGINT ? 130 : 143);
}
