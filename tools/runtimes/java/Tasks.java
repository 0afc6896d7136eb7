// N platform threads, all started at once, each sleeping S seconds once
// all have started (so that N are alive together even where creating them
// takes longer than S); main joins them all.  Usage: java Tasks N S

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

public final class Tasks {
    private static final long MAX_TASKS = 10_000_000L;
    private static final long MAX_SECONDS = 86_400L;

    private static long parse(String arg, String what, long lo, long hi) {
        try {
            long v = Long.parseLong(arg);
            if (v >= lo && v <= hi && !arg.startsWith("+")) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        System.err.printf("tasks: invalid %s '%s' (want an integer from %d to %d)%n",
                what, arg, lo, hi);
        System.exit(2);
        return 0;
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: java Tasks N SECONDS");
            System.exit(2);
        }
        int n = (int) parse(args[0], "task count", 1, MAX_TASKS);
        long millis = parse(args[1], "sleep seconds", 0, MAX_SECONDS) * 1000;

        CountDownLatch allStarted = new CountDownLatch(1);
        Runnable sleeper = () -> {
            try {
                allStarted.await();
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        List<Thread> threads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(sleeper);
            try {
                t.start();
            } catch (OutOfMemoryError e) {
                // The JVM reports a failed pthread_create this way.
                System.err.printf("tasks: cannot create thread %d of %d: %s%n",
                        i + 1, n, e.getMessage());
                System.exit(1);
            }
            threads.add(t);
        }
        allStarted.countDown();
        for (Thread t : threads) {
            t.join();
        }
    }
}
