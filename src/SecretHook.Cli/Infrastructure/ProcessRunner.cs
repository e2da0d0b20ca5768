using System.Diagnostics;
using System.Text;

namespace SecretHook.Cli.Infrastructure;

/// <summary>The outcome of running a program: exit code, captured stdout bytes and stderr text.</summary>
public sealed record ProcessResult(int ExitCode, byte[] Stdout, string Stderr)
{
    /// <summary>Stdout decoded as UTF-8.</summary>
    public string StdoutText => Encoding.UTF8.GetString(Stdout);
}

/// <summary>Runs external programs (git) with an argument list — never through a shell.</summary>
public static class ProcessRunner
{
    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>
    /// and captures its output. Returns null when the program cannot be started (not installed).
    /// </summary>
    public static ProcessResult? Run(string fileName, IEnumerable<string> arguments, string workingDirectory,
        byte[]? stdin = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }
        if (environment is not null)
        {
            foreach (var (k, v) in environment)
            {
                psi.Environment[k] = v;
            }
        }
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        using (process)
        {
            var stderr = new BackgroundThread<string>("stderr", process.StandardError.ReadToEnd);
            var input = Feed(process, stdin);
            using var stdout = new MemoryStream();
            process.StandardOutput.BaseStream.CopyTo(stdout);
            input?.Result();
            string error = stderr.Result();
            process.WaitForExit();
            return new ProcessResult(process.ExitCode, stdout.ToArray(), error);
        }
    }

    /// <summary>
    /// Writes <paramref name="stdin"/> to the process's input and closes it: on the calling thread when
    /// it fits in an empty pipe (which holds at least one 4 KiB page: the write cannot block), else on a
    /// thread of its own (returned), so that a child blocked writing its output cannot deadlock us.
    /// </summary>
    internal static BackgroundThread<bool>? Feed(Process process, byte[]? stdin)
    {
        if (stdin is null || stdin.Length <= 4096)
        {
            Write(process, stdin);
            return null;
        }
        return new BackgroundThread<bool>("stdin", () => Write(process, stdin));

        static bool Write(Process process, byte[]? stdin)
        {
            try
            {
                if (stdin is not null)
                {
                    process.StandardInput.BaseStream.Write(stdin);
                }
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The child exited without reading its input; its exit code tells why.
            }
            return true;
        }
    }
}
