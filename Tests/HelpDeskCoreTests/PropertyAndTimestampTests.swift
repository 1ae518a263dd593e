import Foundation
import HelpDeskCore
import XCTest

final class PropertyAndTimestampTests: XCTestCase {
    func testTimestampParsesTheFormsTheAPIAccepts() {
        let cases: [(String, Int64?)] = [
            ("0", 0), ("1709285400000", 1_709_285_400_000), ("-1000", -1000),
            ("2024-03-01", 1_709_251_200_000),
            ("2024-03-01T09:30:00Z", 1_709_285_400_000),
            ("2024-03-01T09:30:00.5Z", 1_709_285_400_500),
            ("2024-03-01T11:30:00+02:00", 1_709_285_400_000),
            ("2024-03-01T09:30Z", 1_709_285_400_000),
            ("2024-02-30", nil), ("2024-13-01", nil), ("yesterday", nil), ("", nil), ("2024-03-01T25:00:00Z", nil),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(Timestamp.parse(text), expected, text)
        }
    }

    func testTimestampFormatsRoundTrip() {
        for millis: Int64 in [0, 1_709_285_400_123, 951_782_400_000, -86_400_000, 4_102_444_800_000] {
            let stamp = Timestamp(millisecondsSince1970: millis)
            XCTAssertEqual(Timestamp.parse(stamp.isoString), millis, stamp.isoString)
            XCTAssertEqual(Timestamp.parse(stamp.dateString).map { millis - $0 }.map { (0..<86_400_000).contains($0) }, true)
        }
        XCTAssertEqual(Timestamp(millisecondsSince1970: 951_782_400_000).dateString, "2000-02-29")
    }

    func testPropertyValuesAreNormalisedByType() throws {
        let number = PropertyDefinition(name: "n", label: "N", type: .number)
        XCTAssertEqual(try number.normalize("42.0"), "42")
        XCTAssertEqual(try number.normalize(" 3.5 "), "3.5")
        XCTAssertThrowsError(try number.normalize("four"))
        XCTAssertThrowsError(try number.normalize("inf"))
        let flag = PropertyDefinition(name: "b", label: "B", type: .bool)
        XCTAssertEqual(try flag.normalize("TRUE"), "true")
        XCTAssertThrowsError(try flag.normalize("maybe"))
        let day = PropertyDefinition(name: "d", label: "D", type: .date)
        XCTAssertEqual(try day.normalize("1709285400000"), "2024-03-01")
        let moment = PropertyDefinition(name: "t", label: "T", type: .datetime)
        XCTAssertEqual(try moment.normalize("2024-03-01T09:30:00Z"), "2024-03-01T09:30:00.000Z")
        let choice = PropertyDefinition(name: "c", label: "C", type: .enumeration, fieldType: "checkbox",
                                        options: [.init(label: "A", value: "a"), .init(label: "B", value: "b")])
        XCTAssertEqual(try choice.normalize("a;b"), "a;b")
        XCTAssertThrowsError(try choice.normalize("a;z")) { error in
            XCTAssertEqual(error as? PropertyValueError, .notAnOption(property: "c", value: "z", allowed: ["a", "b"]))
        }
    }

    func testCustomPropertyDefinitionsAreChecked() {
        let schema = RecordSchema(type: .tickets, properties: BuiltInProperties.definitions(for: .tickets), pipelines: [])
        let good = PropertyDefinition(name: "sla_hours", label: "SLA", type: .number)
        XCTAssertNoThrow(try PropertyRules.check(good, schema: schema, isNew: true))
        let cases: [PropertyDefinition] = [
            PropertyDefinition(name: "Bad Name", label: "x", type: .string),
            PropertyDefinition(name: "subject", label: "x", type: .string),
            PropertyDefinition(name: "x", label: "x", type: .number, fieldType: "select"),
            PropertyDefinition(name: "y", label: "y", type: .enumeration),
            PropertyDefinition(name: "z", label: "", type: .string),
        ]
        for definition in cases {
            XCTAssertThrowsError(try PropertyRules.check(definition, schema: schema, isNew: true), definition.name)
        }
    }
}

final class JSONWriterTests: XCTestCase {
    func testWritesValidEscapedJSONWithSortedKeys() throws {
        var writer = JSONWriter()
        writer.object(["b": "line\nbreak \"quoted\" back\\slash", "a": "tab\there \u{1}", "c": "éè✓"])
        XCTAssertEqual(writer.text, #"{"a":"tab\there \u0001","b":"line\nbreak \"quoted\" back\\slash","c":"éè✓"}"#)
        let decoded = try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: String]
        XCTAssertEqual(decoded?["b"], "line\nbreak \"quoted\" back\\slash")
        var nulls = JSONWriter()
        nulls.object(["x": nil, "y": "1"] as [String: String?])
        XCTAssertEqual(nulls.text, #"{"x":null,"y":"1"}"#)
    }
}
