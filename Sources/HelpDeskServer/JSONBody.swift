import Foundation
import HelpDeskCore
import Hummingbird
import NIOCore

/// Reading request bodies and writing responses as JSON, with a size limit and errors that say
/// what was wrong with the body.
enum JSONBody {
    static let maxBodySize = 4 * 1024 * 1024

    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        try decode(type, from: try await collect(request))
    }

    /// The body of a creation or update that sends only properties, read without the general
    /// decoder when it has that plain shape (see `PropertiesBody`); `nil` for any other body.
    static func plainProperties(in buffer: ByteBuffer) -> [String: String]? {
        buffer.withUnsafeReadableBytes(PropertiesBody.read)
    }

    static func collect(_ request: Request) async throws -> ByteBuffer {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodySize)
        } catch {
            throw APIError(status: .contentTooLarge, category: "VALIDATION_ERROR",
                           message: "The request body is larger than \(maxBodySize / 1024 / 1024) MiB; split the request.")
        }
        guard buffer.readableBytes > 0 else {
            throw APIError.badRequest("The request needs a JSON body.")
        }
        return buffer
    }

    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        let data = Data(buffer: buffer)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            // The decoder calls a number too large for its field invalid JSON; name the field.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty, let path = outOfRangeNumber(in: data) {
                throw APIError.badRequest("Invalid value at \(path): the number is out of range.")
            }
            throw APIError.badRequest(describe(error))
        } catch {
            throw APIError.badRequest("The request body is not valid JSON.")
        }
    }

    /// Where valid JSON holds a number beyond what a 64-bit integer holds, as `[0].field`.
    static func outOfRangeNumber(in data: Data) -> String? {
        guard let parsed = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        func find(_ value: Any, at path: String) -> String? {
            switch value {
            case let number as NSNumber:
                return abs(number.doubleValue) >= 9.2e18 ? (path.isEmpty ? "the body" : path) : nil
            case let object as [String: Any]:
                for key in object.keys.sorted() {
                    if let found = find(object[key]!, at: path.isEmpty ? key : "\(path).\(key)") { return found }
                }
                return nil
            case let array as [Any]:
                for (index, element) in array.enumerated() {
                    if let found = find(element, at: "\(path)[\(index)]") { return found }
                }
                return nil
            default:
                return nil
            }
        }
        return find(parsed, at: "")
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the body" : String(text.drop { $0 == "." })
        }
        switch error {
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "The request body is not valid JSON."
                : "Invalid value at \(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "Missing field \"\(key.stringValue)\" in \(path(context.codingPath))."
        case .typeMismatch(let type, let context):
            return "Wrong type at \(path(context.codingPath)): expected \(describe(type))."
        case .valueNotFound(let type, let context):
            return "Missing value at \(path(context.codingPath)): expected \(describe(type))."
        @unknown default:
            return "The request body does not have the expected shape."
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder().encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json;charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A record, or a page of records, written without a general-purpose encoder.
    static func response(_ record: RecordJSON, status: HTTPResponse.Status = .ok) -> Response {
        var writer = JSONWriter(capacity: 1024)
        record.write(to: &writer)
        return response(bytes: writer.bytes, status: status)
    }

    static func response(_ page: RecordPageJSON) -> Response {
        var writer = JSONWriter(capacity: 1024 * max(1, page.results.count))
        page.write(to: &writer)
        return response(bytes: writer.bytes, status: .ok)
    }

    static func response(bytes: [UInt8], status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json;charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func noContent() -> Response {
        Response(status: .noContent)
    }
}

/// A property value as clients send it: usually a string, but numbers, booleans and null are
/// accepted and turned into the string form (null clears the property).
struct PropertyValue: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            text = ""
        } else if let string = try? container.decode(String.self) {
            text = string
        } else if let bool = try? container.decode(Bool.self) {
            text = bool ? "true" : "false"
        } else if let int = try? container.decode(Int64.self) {
            text = String(int)
        } else if let double = try? container.decode(Double.self) {
            text = String(double)
        } else {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath,
                                                                debugDescription: "a property value must be a string, number or boolean"))
        }
    }

    static func strings(_ values: [String: PropertyValue]?) -> [String: String] {
        (values ?? [:]).mapValues(\.text)
    }
}
