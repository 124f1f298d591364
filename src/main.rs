fn main() {
    std::process::exit(flagdebt::main_exit_code());
}
