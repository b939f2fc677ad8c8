import TrafficSimulator

@main
enum TrafficMain {
    static func main() async {
        await TrafficCommand.main()
    }
}
