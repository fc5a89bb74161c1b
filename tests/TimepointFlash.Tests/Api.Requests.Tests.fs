/// Request bodies as generated clients send them: every optional property of every request schema in the OpenAPI
/// document may be JSON null (meaning absent), and enum values may come as member names in any case.
module TimepointFlash.Tests.ApiRequests

open System.IO
open System.Text.Json
open System.Text.Json.Nodes
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash
open TimepointFlash.Api
open TimepointFlash.Tests.Support

/// The committed OpenAPI snapshot (scripts/check-contract.sh keeps it equal to the served document).
let private schemas =
    lazy
        (let path =
            Path.Combine(ServerProcess.repoRoot.Value, "tests", "TimepointFlash.Client.Tests", "openapi.v1.json")

         let doc = JsonNode.Parse(File.ReadAllText path)
         doc["components"]["schemas"])

/// The properties a schema does not require.
let private optionalOf (schema: string) =
    let s = schemas.Value[schema]

    let required =
        match s["required"] with
        | null -> Set.empty
        | r -> r.AsArray() |> Seq.map (fun n -> n.GetValue<string>()) |> Set.ofSeq

    s["properties"].AsObject()
    |> Seq.map (fun p -> p.Key)
    |> Seq.filter (fun k -> not (required.Contains k))
    |> List.ofSeq

/// Decodes a body and renders the outcome as text, so outcomes of any decoder compare.
let private outcome (decoder: Decoder<'T>) (json: string) =
    use doc = JsonDocument.Parse json

    match decoder "" doc.RootElement with
    | Ok v -> Ok(sprintf "%A" v)
    | Error e -> Error(e |> List.map DecodeError.describe)

/// A minimal valid body of a schema with the chosen optional properties set to null.
let private withNulls (minimal: string) (nulls: string list) =
    let o = JsonNode.Parse(minimal).AsObject()

    for n in nulls do
        o[n] <- null

    o.ToJsonString()

/// Each request schema, a minimal valid body and the decoder its routes use.
let private bodies: (string * string * (string -> Result<string, string list>)) list = [
    "GenerateRequest", """{"query": "rome 50 BCE"}""", outcome (Dto.generate [ "balanced" ])
    "NavigateRequest", """{"units": 1}""", outcome (Dto.navigate [ "balanced" ])
    "ChatRequest", """{"character": "Julius Caesar", "message": "hi"}""", outcome InteractDto.chat
    "DialogRequest", "{}", outcome InteractDto.dialog
    "SurveyRequest", """{"questions": ["why?"]}""", outcome InteractDto.survey
]

let private nullIsAbsent =
    bodies
    |> List.map (fun (schema, minimal, decode) ->
        testProperty $"{schema}: any of its optional properties sent as null decodes as if absent"
        <| Prop.forAll (Arb.fromGen (Gen.subListOf (optionalOf schema))) (fun nulls ->
            let expected = decode minimal
            Expect.isOk expected "the minimal body is valid"
            decode (withNulls minimal (List.ofSeq nulls)) = expected))

let private enums = [
    test "the optional lists come from the document (a schema without optional properties tests nothing)" {
        for schema, _, _ in bodies do
            Expect.isNonEmpty (optionalOf schema) $"{schema} has optional properties"
    }

    test "enum values are read ignoring case, as a generated client sends a member name" {
        let chat f =
            outcome InteractDto.chat $$"""{"character": "A", "message": "hi", "response_format": "{{f}}"}"""

        Expect.equal (chat "Structured") (chat "structured") "Structured"
        Expect.equal (chat "AUTO") (chat "auto") "AUTO"

        let survey m =
            outcome InteractDto.survey $$"""{"questions": ["why?"], "mode": "{{m}}", "response_format": "Text"}"""

        Expect.equal (survey "Sequential") (survey "sequential") "Sequential"
        Expect.isOk (survey "Parallel") "Parallel"
    }

    test "a wrong type or an unknown name is still refused, naming the choices" {
        let chat (f: string) =
            outcome InteractDto.chat $$"""{"character": "A", "message": "hi", "response_format": {{f}}}"""

        Expect.equal
            (chat "\"XML\"")
            (Error [ "response_format: must be one of text, structured, auto, got \"XML\"" ])
            "unknown name"

        Expect.equal (chat "1") (Error [ "response_format: must be one of text, structured, auto" ]) "a number"

        Expect.equal
            (outcome InteractDto.survey """{"questions": ["why?"], "mode": true}""")
            (Error [ "mode: must be one of parallel, sequential" ])
            "a flag"
    }
]

let tests = testList "ApiRequests" (nullIsAbsent @ enums)
