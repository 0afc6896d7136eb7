// N tasks that await Task.Delay(S seconds), all created at once; Task.WhenAll
// waits for every one.  With --task-run each delay is wrapped in Task.Run,
// as in the published benchmark.
// Usage: mono Tasks.exe [--task-run] N S

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading.Tasks;

static class Tasks
{
    const long MaxTasks = 10000000;
    const long MaxSeconds = 86400;

    static long Parse(string arg, string what, long lo, long hi)
    {
        long v;
        // NumberStyles.None: digits only, no sign, blanks or separators.
        if (!long.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out v)
            || v < lo || v > hi)
        {
            Console.Error.WriteLine("tasks: invalid {0} '{1}' (want an integer from {2} to {3})",
                                    what, arg, lo, hi);
            Environment.Exit(2);
        }
        return v;
    }

    static int Main(string[] args)
    {
        bool taskRun = args.Length > 0 && args[0] == "--task-run";
        if (args.Length != (taskRun ? 3 : 2))
        {
            Console.Error.WriteLine("usage: mono Tasks.exe [--task-run] N SECONDS");
            return 2;
        }
        int first = taskRun ? 1 : 0;
        int n = (int)Parse(args[first], "task count", 1, MaxTasks);
        int ms = (int)(Parse(args[first + 1], "sleep seconds", 0, MaxSeconds) * 1000);

        var tasks = new List<Task>(n);
        for (int i = 0; i < n; i++)
        {
            if (taskRun)
                tasks.Add(Task.Run(async () => await Task.Delay(ms)));
            else
                tasks.Add(Task.Delay(ms));
        }
        // Main cannot be async in the C# that mcs compiles; block here.
        Task.WhenAll(tasks).Wait();
        return 0;
    }
}
