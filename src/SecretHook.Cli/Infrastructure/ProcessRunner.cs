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
            var stderrTask = process.StandardError.ReadToEndAsync();
            using var stdout = new MemoryStream();
            var stdoutTask = process.StandardOutput.BaseStream.CopyToAsync(stdout);
            if (stdin is not null)
            {
                try
                {
                    process.StandardInput.BaseStream.Write(stdin);
                }
                catch (IOException)
                {
                    // The program exited without reading all of its input; its exit code tells.
                }
            }
            process.StandardInput.Close();
            stdoutTask.GetAwaiter().GetResult();
            string stderr = stderrTask.GetAwaiter().GetResult();
            process.WaitForExit();
            return new ProcessResult(process.ExitCode, stdout.ToArray(), stderr);
        }
    }
}
