using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(SecretHook.Benchmarks.MatcherBenchmarks).Assembly).Run(args);
