//! N OS threads from std::thread with Rust's default stack, all started
//! at once, each sleeping S seconds once all have started (so that N are
//! alive together even where creating them takes longer than S); main
//! joins them all.
//! Usage: tasks N S

use std::process::exit;
use std::sync::{Arc, Barrier};
use std::thread;
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

    let all_started = Arc::new(Barrier::new(n as usize + 1));
    let mut handles = Vec::with_capacity(n as usize);
    for i in 1..=n {
        let gate = Arc::clone(&all_started);
        // Builder::spawn reports a failed clone instead of panicking.
        match thread::Builder::new().spawn(move || {
            gate.wait();
            thread::sleep(secs)
        }) {
            Ok(h) => handles.push(h),
            Err(e) => {
                eprintln!("tasks: cannot create thread {i} of {n}: {e}");
                exit(1);
            }
        }
    }
    all_started.wait();
    for h in handles {
        h.join().expect("a sleeping thread cannot panic");
    }
}
