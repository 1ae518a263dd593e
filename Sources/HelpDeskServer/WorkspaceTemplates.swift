import Foundation
import Hummingbird
import Mustache

/// The workspace's pages and static files, read once from the package's resources: Mustache
/// templates (`Templates/`) and the one style sheet and script (`Assets/`).
struct WorkspaceTemplates: Sendable {
    let library: MustacheLibrary
    /// Static files by name, with their media type.
    let assets: [String: (contentType: String, body: ByteBuffer)]

    /// Why the resources could not be read; an installation without them is incomplete.
    struct MissingResources: Error, CustomStringConvertible {
        var detail: String
        var description: String { "The workspace's templates could not be read (\(detail)); reinstall the help desk with its resources." }
    }

    static let shared = Result { try load() }

    static func load() throws -> WorkspaceTemplates {
        guard let root = Bundle.module.resourceURL else { throw MissingResources(detail: "no resource bundle") }
        var library = MustacheLibrary()
        let templates = root.appendingPathComponent("Templates")
        let files = try FileManager.default.contentsOfDirectory(atPath: templates.path).filter { $0.hasSuffix(".mustache") }
        guard !files.isEmpty else { throw MissingResources(detail: "no template in \(templates.path)") }
        for file in files {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            try library.register(text, named: String(file.dropLast(".mustache".count)))
        }
        var assets: [String: (String, ByteBuffer)] = [:]
        let types = ["css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8"]
        let folder = root.appendingPathComponent("Assets")
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            guard let type = types[String(file.split(separator: ".").last ?? "")] else { continue }
            assets[file] = (type, ByteBuffer(bytes: try Data(contentsOf: folder.appendingPathComponent(file))))
        }
        return WorkspaceTemplates(library: library, assets: assets)
    }

    func render(_ template: String, _ values: Any) -> String {
        library.render(values, withTemplate: template) ?? ""
    }
}
