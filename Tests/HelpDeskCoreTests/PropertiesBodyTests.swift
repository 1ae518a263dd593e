import Foundation
import HelpDeskCore
import XCTest

final class PropertiesBodyTests: XCTestCase {
    func read(_ body: String) -> [String: String]? {
        Array(body.utf8).withUnsafeBytes(PropertiesBody.read)
    }

    /// What the general decoder makes of the same body, with the same value rules.
    func decoded(_ body: String) -> [String: String]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
              let properties = object["properties"] as? [String: Any] else { return nil }
        return properties.compactMapValues { value in
            switch value {
            case let text as String: text
            case is NSNull: ""
            default: nil
            }
        }
    }

    func testPlainBodiesReadAsTheGeneralDecoderReadsThem() {
        let bodies = [
            #"{"properties":{"subject":"Printer jammed","hs_pipeline":"0","hs_pipeline_stage":"1"}}"#,
            "  {\n \"properties\" : { \"subject\" : \"x\" ,\t\"content\":\"\" } }\r\n",
            #"{"properties":{}}"#,
            #"{"properties":{"subject":"Quote \" backslash \\ slash \/ tab \t line \n é \u00e9 \u20AC \ud83d\ude00"}}"#,
            #"{"properties":{"subject":"Crème brûlée ☕️"}}"#,
            #"{"properties":{"cleared":null,"subject":"x"}}"#,
            #"{"properties":{"":"empty name"}}"#,
        ]
        for body in bodies {
            XCTAssertNotNil(read(body), body)
            XCTAssertEqual(read(body), decoded(body), body)
        }
        XCTAssertEqual(read(#"{"properties":{"flag":true,"other":false}}"#), ["flag": "true", "other": "false"])
    }

    func testAnythingElseIsLeftToTheGeneralDecoder() {
        for body in [
            "", "{}", "[]", "null", #"{"properties":null}"#, #"{"properties":["subject"]}"#,
            #"{"properties":{"subject":"x"}"#, #"{"properties":{"subject":"x"}} trailing"#,
            #"{"properties":{"subject":"x"},"associations":[]}"#, #"{"associations":[],"properties":{"subject":"x"}}"#,
            #"{"properties":{"count":3}}"#, #"{"properties":{"subject":{"nested":"x"}}}"#,
            #"{"properties":{"subject":"x","subject":"y"}}"#, #"{"properties":{"subject":"x",}}"#,
            #"{"properties":{"subject":"bad escape \q"}}"#, #"{"properties":{"subject":"lone \ud83d surrogate"}}"#,
            #"{"properties":{"subject":"raw"#  + "\n" + #"newline"}}"#, #"{"properties":{"subject":tru}}"#,
        ] {
            XCTAssertNil(read(body), body)
        }
        let invalidUTF8: [UInt8] = Array(#"{"properties":{"subject":""#.utf8) + [0xC3, 0x28] + Array(#""}}"#.utf8)
        XCTAssertNil(invalidUTF8.withUnsafeBytes(PropertiesBody.read))
    }
}
