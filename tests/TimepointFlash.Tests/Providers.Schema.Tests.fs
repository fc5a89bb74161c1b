module TimepointFlash.Tests.Providers.Schema

open System.Text.Json
open Expecto
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Tests.Support.ProviderFixtures

/// Golden Gemini responseSchema of `verdictSchema`.
let geminiGolden =
    """{"type":"OBJECT","properties":{"is_valid":{"type":"BOOLEAN"},"query_type":{"type":"STRING","enum":["historical","fictional"]},"year":{"type":"INTEGER","minimum":-10000,"maximum":3000,"nullable":true},"reason":{"type":"STRING","description":"why"}},"required":["is_valid","query_type"],"propertyOrdering":["is_valid","query_type","year","reason"]}"""

/// Golden JSON Schema of `verdictSchema`.
let jsonSchemaGolden =
    """{"type":"object","properties":{"is_valid":{"type":"boolean"},"query_type":{"type":"string","enum":["historical","fictional"]},"year":{"type":["integer","null"],"minimum":-10000,"maximum":3000},"reason":{"type":"string","description":"why"}},"required":["is_valid","query_type"],"additionalProperties":false}"""

let tests =
    testList "Providers.Schema" [
        test "Gemini responseSchema uses upper-case OpenAPI types, nullable and propertyOrdering" {
            Expect.equal (Json.write (SchemaWire.toGemini verdictSchema)) geminiGolden "golden"
        }
        test "JSON Schema uses lower-case types, a null type for nullable and no extra properties" {
            Expect.equal (Json.write (SchemaWire.toJsonSchema verdictSchema)) jsonSchemaGolden "golden"
        }
        test "a nullable enum admits null in its values" {
            let node =
                SchemaWire.toJsonSchema (Schema.Nullable(Schema.Enum [ "spring"; "fall" ]))

            Expect.equal
                (Json.write node)
                """{"type":["string","null"],"enum":["spring","fall",null]}"""
                "nullable enum"
        }
        test "arrays carry items and maxItems" {
            let node = SchemaWire.toGemini (Schema.Array(Schema.Number(Some 0.0, None), Some 8))

            Expect.equal
                (Json.write node)
                """{"type":"ARRAY","items":{"type":"NUMBER","minimum":0},"maxItems":8}"""
                "array"
        }
        test "the json_object instruction carries the schema as parseable JSON (fixes B9)" {
            let line = OpenAiWire.schemaInstruction verdictSchema
            let start = line.IndexOf '{'
            use doc = JsonDocument.Parse(line.Substring start)
            Expect.equal (doc.RootElement.GetProperty("type").GetString()) "object" "real JSON"
        }
        test "schema names keep only the characters OpenAI accepts" {
            Expect.equal (SchemaWire.schemaName "image prompt/v2") "image_prompt_v2" "cleaned"
            Expect.equal (SchemaWire.schemaName "") "response" "empty"
        }
    ]
