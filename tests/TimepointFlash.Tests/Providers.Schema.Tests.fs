module TimepointFlash.Tests.Providers.Schema

open System.Text.Json
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.ProviderFixtures

/// Golden Gemini responseSchema of `verdictSchema`.
let geminiGolden =
    """{"type":"OBJECT","properties":{"is_valid":{"type":"BOOLEAN"},"query_type":{"type":"STRING","enum":["historical","fictional"]},"year":{"type":"INTEGER","minimum":-10000,"maximum":3000,"nullable":true},"reason":{"type":"STRING","description":"why"}},"required":["is_valid","query_type"],"propertyOrdering":["is_valid","query_type","year","reason"]}"""

/// Golden JSON Schema of `verdictSchema`.
let jsonSchemaGolden =
    """{"type":"object","properties":{"is_valid":{"type":"boolean"},"query_type":{"type":"string","enum":["historical","fictional"]},"year":{"type":["integer","null"],"minimum":-10000,"maximum":3000},"reason":{"type":"string","description":"why"}},"required":["is_valid","query_type"],"additionalProperties":false}"""

/// Golden strict-compatible JSON Schema of `verdictSchema`: every property required, the optional `reason` nullable.
let strictJsonSchemaGolden =
    """{"type":"object","properties":{"is_valid":{"type":"boolean"},"query_type":{"type":"string","enum":["historical","fictional"]},"year":{"type":["integer","null"],"minimum":-10000,"maximum":3000},"reason":{"type":["string","null"],"description":"why"}},"required":["is_valid","query_type","year","reason"],"additionalProperties":false}"""

/// Random schemas up to a small depth, with property names unique per object.
type SchemaGen =
    static member Schemas() =
        let leaf =
            Gen.oneof [
                Gen.elements [ None; Some "a description"; Some "quote \" and ü" ]
                |> Gen.map Schema.String
                Gen.elements [ [ "a" ]; [ "spring"; "fall" ] ] |> Gen.map Schema.Enum
                Gen.elements [ None, None; Some -10000, Some 3000 ] |> Gen.map Schema.Integer
                Gen.elements [ None, None; Some 0.0, Some 1.5 ] |> Gen.map Schema.Number
                Gen.constant Schema.Boolean
            ]

        let rec sized depth =
            if depth = 0 then
                leaf
            else
                Gen.frequency [
                    3, leaf
                    1, sized (depth - 1) |> Gen.map Schema.Nullable
                    1,
                    Gen.zip (sized (depth - 1)) (Gen.elements [ None; Some 8 ])
                    |> Gen.map Schema.Array
                    2,
                    gen {
                        let! count = Gen.choose (0, 4)
                        let! children = Gen.listOfLength count (sized (depth - 1))
                        let props = children |> List.mapi (fun i c -> $"field_{i}", c)
                        let! required = Gen.subListOf (props |> List.map fst)
                        return Schema.Object(props, Seq.toList required)
                    }
                ]

        Arb.fromGen (sized 3)

let private schemaConfig = {
    FsCheckConfig.defaultConfig with
        arbitrary = [ typeof<SchemaGen> ]
}

/// Every node of a rendered schema has a type, and every required name is a property.
let rec private wellFormed (typeOk: JsonElement -> bool) (el: JsonElement) =
    let children = [
        match el.TryGetProperty "items" with
        | true, items -> items
        | _ -> ()
        match el.TryGetProperty "properties" with
        | true, props -> yield! props.EnumerateObject() |> Seq.map _.Value
        | _ -> ()
    ]

    let requiredKnown =
        match el.TryGetProperty "required", el.TryGetProperty "properties" with
        | (true, req), (true, props) ->
            req.EnumerateArray()
            |> Seq.forall (fun r ->
                match props.TryGetProperty(r.GetString()) with
                | true, _ -> true
                | _ -> false)
        | _ -> true

    typeOk (el.GetProperty "type")
    && requiredKnown
    && List.forall (wellFormed typeOk) children

let tests =
    testList "Providers.Schema" [
        testPropertyWithConfig schemaConfig "every Gemini schema node has an upper-case type and known required names"
        <| fun (schema: Schema) ->
            use doc = JsonDocument.Parse(Json.write (SchemaWire.toGemini schema))

            doc.RootElement
            |> wellFormed (fun t ->
                t.ValueKind = JsonValueKind.String
                && t.GetString() = t.GetString().ToUpperInvariant())
        testPropertyWithConfig schemaConfig "every JSON Schema node has a lower-case type (or [type, null])"
        <| fun (schema: Schema) ->
            use doc = JsonDocument.Parse(Json.write (SchemaWire.toJsonSchema schema))

            let lower (t: JsonElement) =
                t.ValueKind = JsonValueKind.String
                && t.GetString() = t.GetString().ToLowerInvariant()

            doc.RootElement
            |> wellFormed (fun t ->
                lower t
                || (t.ValueKind = JsonValueKind.Array
                    && t.GetArrayLength() = 2
                    && lower (t.Item 0)
                    && t.Item(1).GetString() = "null"))
        test "Gemini responseSchema uses upper-case OpenAPI types, nullable and propertyOrdering" {
            Expect.equal (Json.write (SchemaWire.toGemini verdictSchema)) geminiGolden "golden"
        }
        test "JSON Schema uses lower-case types, a null type for nullable and no extra properties" {
            Expect.equal (Json.write (SchemaWire.toJsonSchema verdictSchema)) jsonSchemaGolden "golden"
        }
        testPropertyWithConfig schemaConfig "every strict JSON Schema meets OpenAI's strict-mode rules"
        <| fun (schema: Schema) ->
            use doc = JsonDocument.Parse(Json.write (SchemaWire.toStrictJsonSchema schema))
            SpecRules.strictProblems "schema" doc.RootElement = []
        testPropertyWithConfig schemaConfig "making a schema strict twice changes nothing"
        <| fun (schema: Schema) -> SchemaWire.strict (SchemaWire.strict schema) = SchemaWire.strict schema
        testPropertyWithConfig
            schemaConfig
            "a required property keeps its type in the strict schema; an optional one becomes nullable"
        <| fun (schema: Schema) ->
            match schema, SchemaWire.strict schema with
            | Schema.Object(props, required), Schema.Object(strictProps, strictRequired) ->
                strictRequired = (props |> List.map fst)
                && List.forall2
                    (fun (name, _) (_, s) ->
                        List.contains name required
                        || (match s with
                            | Schema.Nullable _ -> true
                            | _ -> false))
                    props
                    strictProps
            | _, strict -> strict = SchemaWire.strict schema
        testPropertyWithConfig schemaConfig "every Gemini schema is a valid responseSchema of the v1beta protos"
        <| fun (schema: Schema) ->
            let spec = SpecValidator.load "gemini.v1beta.schema.json"
            SpecValidator.validate spec "Schema" (Json.write (SchemaWire.toGemini schema)) = []
        testPropertyWithConfig
            schemaConfig
            "the strict schema rendered once writes the same JSON as a fresh render, inside a body and again"
        <| fun (schema: Schema) ->
            let fresh = Json.write (SchemaWire.toStrictJsonSchema schema)

            let inBody (node: Nodes.JsonNode) =
                Json.write (Json.objNode [ "schema", node ])

            inBody (SchemaWire.strictJsonSchemaOnce schema) = inBody (SchemaWire.toStrictJsonSchema schema)
            && Json.write (SchemaWire.strictJsonSchemaOnce schema) = fresh
        test "the strict schema of the verdict is golden" {
            Expect.equal (Json.write (SchemaWire.toStrictJsonSchema verdictSchema)) strictJsonSchemaGolden "golden"
        }
        test "the vendored schemas reject an unknown property and a wrong type" {
            let spec = SpecValidator.load "gemini.v1beta.schema.json"

            Expect.equal
                (SpecValidator.validate spec "Schema" """{"type":"OBJECT","additionalProperties":false}""")
                [ "Schema.additionalProperties: unknown property" ]
                "Gemini's Schema has no additionalProperties"

            Expect.equal
                (SpecValidator.validate spec "Schema" """{"type":"string"}""")
                [
                    "Schema.type: \"string\" is not one of [\"STRING\",\"NUMBER\",\"INTEGER\",\"BOOLEAN\",\"ARRAY\",\"OBJECT\",\"NULL\"]"
                ]
                "upper-case types only"
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
