import Foundation

/// Built with `-DFUZZING -sanitize=fuzzer`, hands the process to libFuzzer, which sends every
/// input it makes up through `FuzzCase`. Otherwise runs the files named on the command line, or
/// those in the folders named, through the same checks once, to replay seeds and crashes in a
/// plain build; with `--summary` first, prints instead one JSON line per message with what the
/// help desk reads from it.
@main
enum EntryPoint {
    static func main() throws {
        #if FUZZING
        // SwiftPM links an executable's `main` to the module's own entry point, so libFuzzer's
        // `main` never runs: start its driver from here.
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzer(&argc, &argv, fuzzOneInput))
        #else
        var arguments = Array(CommandLine.arguments.dropFirst())
        let summary = arguments.first == "--summary"
        if summary { arguments.removeFirst() }
        guard !arguments.isEmpty else {
            FileHandle.standardError.write(Data("usage: helpdesk-fuzz [--summary] FILE_OR_FOLDER...\n".utf8))
            exit(2)
        }
        var count = 0
        for path in try files(arguments) {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            if summary {
                print(try MessageSummary(path: path, bytes: bytes).jsonLine())
            } else {
                FuzzCase.run(bytes)
            }
            count += 1
        }
        if !summary { print("\(count) inputs replayed without a failure") }
        #endif
    }

    /// The files named, with each folder replaced by the files in it, sorted so that runs compare.
    private static func files(_ paths: [String]) throws -> [String] {
        try paths.flatMap { path -> [String] in
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return [path] }
            return try FileManager.default.contentsOfDirectory(atPath: path)
                .filter { !$0.hasPrefix(".") }
                .sorted()
                .map { (path as NSString).appendingPathComponent($0) }
        }
    }
}

#if FUZZING
/// libFuzzer's callback for one input.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzCase.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

/// libFuzzer's driver, which reads its options from the command line and runs the callback.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzer(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
#endif
