mod cli;

fn main() -> std::process::ExitCode {
    // flowzap's own walks are iterative, but its libraries recurse (JSON
    // values, drops of deep trees): a roomy stack, reserved lazily, keeps an
    // input nested thousands deep from overflowing the usual 8 MB.
    const STACK: usize = 512 << 20;
    match std::thread::Builder::new().name("flowzap".into()).stack_size(STACK).spawn(cli::main) {
        Ok(worker) => worker.join().unwrap_or(std::process::ExitCode::from(101)),
        Err(_) => cli::main(),
    }
}
