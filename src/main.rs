fn main() -> std::process::ExitCode {
    flowzap::cli::main()
}
