import Cairn
import Foundation
import Testing

@Suite struct JSONValueTests {
    @Test func everyKindRoundTripsThroughJSONText() throws {
        let value: JSONValue = [
            "null": nil, "yes": true, "no": false, "int": 42, "negative": -7, "fraction": 1.5, "text": "héllo \"quoted\"",
            "list": [1, "two", [3.25], ["four": 4]], "empty": [:], "none": [],
        ]
        let data = value.jsonData()
        #expect(try JSONValue(json: data) == value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value)) == value)
    }

    @Test func literalsBuildTheMatchingCases() {
        let value: JSONValue = ["a": [1, 2.5, "x", true, nil]]
        #expect(value == .object(["a": .array([.int(1), .number(2.5), .string("x"), .bool(true), .null])]))
    }

    @Test func subscriptsAndAccessorsReadNestedValues() {
        let value: JSONValue = ["user": ["name": "ada", "tags": ["x", "y"], "age": 36, "score": 9.5, "admin": false]]
        #expect(value["user"]?["name"]?.stringValue == "ada")
        #expect(value["user"]?["tags"]?[1]?.stringValue == "y")
        #expect(value["user"]?["tags"]?[2] == nil)
        #expect(value["user"]?["age"]?.intValue == 36)
        #expect(value["user"]?["score"]?.doubleValue == 9.5)
        #expect(value["user"]?["score"]?.intValue == nil)
        #expect(value["user"]?["admin"]?.boolValue == false)
        #expect(value["missing"] == nil)
        #expect(value[0] == nil)
        #expect(value["user"]?.objectValue?.count == 5)
        #expect(JSONValue.null.isNull)
    }

    @Test func largeIntegersStayExact() throws {
        // 2^53 + 1 is not representable as a Double; Int64.max and min are the edges.
        for text in ["9007199254740993", "9223372036854775807", "-9223372036854775808"] {
            let value = try JSONValue(json: Data(text.utf8))
            #expect(value == .int(Int64(text)!), "\(text)")
            #expect(value.description == text)
        }
    }

    @Test func numbersBeyondInt64AndFractionsAreDoubles() throws {
        #expect(try JSONValue(json: Data("9223372036854775808".utf8)) == .number(9223372036854775808))
        #expect(try JSONValue(json: Data("1e3".utf8)).doubleValue == 1000)
        #expect(try JSONValue(json: Data("0.1".utf8)) == .number(0.1))
        #expect(try JSONValue(json: Data("-0.5".utf8)) == .number(-0.5))
        // Booleans are not numbers, and numbers are not booleans.
        #expect(try JSONValue(json: Data("1".utf8)) == .int(1))
        #expect(try JSONValue(json: Data("true".utf8)) == .bool(true))
    }

    @Test func nonFiniteNumbersAreWrittenAsNull() {
        #expect(JSONValue.number(.nan).description == "null")
        #expect(JSONValue.array([.number(.infinity)]).description == "[null]")
    }

    @Test func decodesIntoTypesAndFromEncodables() throws {
        struct Point: Codable, Equatable { var x: Int; var y: Double }
        let value: JSONValue = ["x": 1, "y": 2.5]
        #expect(try value.decode(Point.self) == Point(x: 1, y: 2.5))
        #expect(try JSONValue(encoding: Point(x: 3, y: 0.5)) == ["x": 3, "y": 0.5])
    }

    @Test func keysAreSortedInText() {
        let value: JSONValue = ["b": 1, "a": 2]
        #expect(value.description == #"{"a":2,"b":1}"#)
    }

    /// A workflow may take untyped params.
    @Test func worksAsWorkflowParams() throws {
        struct Echo: Workflow {
            func run(event: WorkflowEvent<JSONValue>, step: WorkflowStep) async throws -> JSONValue { event.payload }
        }
        let workflow = AnyWorkflow(Echo())
        #expect(workflow.typeName == "Echo")
    }

    /// Found by Fuzz/values: a decimal whose fraction a double cannot keep read as a number,
    /// was written as 6.6666666666666664e+16 and read back as an integer.
    @Test(arguments: ["66666666666666666.6666666666666666666666644", "9007199254740993.5", "-123456789012345678.9", "1e18", "2.5", "1.0e300"])
    func everyReadOfTheSameTextIsTheSameValue(text: String) throws {
        let first = try JSONValue(json: Data(text.utf8))
        let second = try JSONValue(json: first.jsonData())
        #expect(first == second, "\(text) → \(first) → \(second)")
    }
}

