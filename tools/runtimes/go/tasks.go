// Command tasks starts N goroutines at once, each sleeping S seconds, and
// waits for all of them with a sync.WaitGroup.
//
// Usage: tasks N S
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

const (
	maxTasks   = 10_000_000
	maxSeconds = 86_400
)

func parse(arg, what string, lo, hi int64) int64 {
	v, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || v < lo || v > hi || arg[0] == '+' {
		fmt.Fprintf(os.Stderr, "tasks: invalid %s '%s' (want an integer from %d to %d)\n",
			what, arg, lo, hi)
		os.Exit(2)
	}
	return v
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: tasks N SECONDS")
		os.Exit(2)
	}
	n := parse(os.Args[1], "task count", 1, maxTasks)
	d := time.Duration(parse(os.Args[2], "sleep seconds", 0, maxSeconds)) * time.Second

	var wg sync.WaitGroup
	wg.Add(int(n))
	for i := int64(0); i < n; i++ {
		go func() {
			defer wg.Done()
			time.Sleep(d)
		}()
	}
	wg.Wait()
}
