//! N async-std tasks on its global executor, all spawned at once, each
//! sleeping S seconds; main awaits every join handle.
//! Usage: tasks N S

use async_std::task;
use std::process::exit;
use std::time::Duration;

const MAX_TASKS: u64 = 10_000_000;
const MAX_SECONDS: u64 = 86_400;

fn parse(arg: &str, what: &str, lo: u64, hi: u64) -> u64 {
    match arg.parse::<u64>() {
        Ok(v) if (lo..=hi).contains(&v) && !arg.starts_with('+') => v,
        _ => {
            eprintln!("tasks: invalid {what} '{arg}' (want an integer from {lo} to {hi})");
            exit(2);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: tasks N SECONDS");
        exit(2);
    }
    let n = parse(&args[1], "task count", 1, MAX_TASKS);
    let secs = Duration::from_secs(parse(&args[2], "sleep seconds", 0, MAX_SECONDS));

    // block_on is what #[async_std::main] expands to; calling it directly
    // spares the async-attributes crate.  Every task is spawned before the
    // first await, so all N run at once; awaiting the handles in turn only
    // collects them.
    task::block_on(async move {
        let handles: Vec<_> = (0..n).map(|_| task::spawn(task::sleep(secs))).collect();
        for h in handles {
            h.await;
        }
    });
}
