import RelayService

@main
enum RelayMain {
    static func main() async {
        await RelayCommand.main()
    }
}
