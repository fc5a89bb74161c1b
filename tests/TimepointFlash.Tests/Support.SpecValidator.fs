/// A JSON-schema subset validator for the vendored provider schemas (Specs/*.json) and our OpenAPI document's
/// component schemas: type (one or a list),
/// properties, required, additionalProperties, items, enum, minimum/maximum, minItems/maxItems, minLength/maxLength,
/// pattern, anyOf, oneOf and local `$ref`s. Enough to reject what the real APIs reject; nothing more.
module TimepointFlash.Tests.Support.SpecValidator

open System
open System.IO
open System.Reflection
open System.Text.Json
open System.Text.RegularExpressions

/// One vendored schema document.
type SpecDocument = { Name: string; Root: JsonElement }

/// Loads `Specs/<file>` embedded in the test assembly.
let load (file: string) : SpecDocument =
    let assembly = Assembly.GetExecutingAssembly()
    let resource = $"TimepointFlash.Tests.Specs.{file}"
    use stream = assembly.GetManifestResourceStream resource

    if isNull stream then
        failwith $"the vendored spec {resource} is not embedded"

    use reader = new StreamReader(stream)

    {
        Name = file
        Root = JsonDocument.Parse(reader.ReadToEnd()).RootElement.Clone()
    }

let private prop (name: string) (e: JsonElement) =
    match e.ValueKind with
    | JsonValueKind.Object ->
        match e.TryGetProperty name with
        | true, v -> Some v
        | _ -> None
    | _ -> None

let private typeName (v: JsonElement) =
    match v.ValueKind with
    | JsonValueKind.Object -> "object"
    | JsonValueKind.Array -> "array"
    | JsonValueKind.String -> "string"
    | JsonValueKind.Number when v.GetDouble() = Math.Floor(v.GetDouble()) -> "integer"
    | JsonValueKind.Number -> "number"
    | JsonValueKind.True
    | JsonValueKind.False -> "boolean"
    | _ -> "null"

let private typeMatches (expected: string) (v: JsonElement) =
    let actual = typeName v
    expected = actual || (expected = "number" && actual = "integer")

/// The schema a local `$ref` names: `#/$defs/X` (JSON Schema) or `#/components/schemas/X` (OpenAPI).
let resolve (doc: SpecDocument) (reference: string) =
    let defs =
        [
            "#/$defs/", [ "$defs" ]
            "#/components/schemas/", [ "components"; "schemas" ]
        ]
        |> List.tryFind (fun (prefix, _) -> reference.StartsWith prefix)

    match defs with
    | None -> failwith $"unsupported $ref {reference}"
    | Some(prefix, container) ->
        let holder =
            container
            |> List.fold (fun node key -> node |> Option.bind (prop key)) (Some doc.Root)

        match holder |> Option.bind (prop (reference.Substring prefix.Length)) with
        | Some schema -> schema
        | None -> failwith $"{doc.Name}: no definition {reference}"

/// Every violation of `schema` by `value`, each as "path: problem".
let rec violations (doc: SpecDocument) (path: string) (schema: JsonElement) (value: JsonElement) : string list =
    match prop "$ref" schema with
    | Some r -> violations doc path (resolve doc (r.GetString())) value
    | None ->
        let here problem = [ $"{path}: {problem}" ]

        let typeProblems =
            match prop "type" schema with
            | Some t when t.ValueKind = JsonValueKind.String ->
                if typeMatches (t.GetString()) value then
                    []
                else
                    here $"expected {t.GetString()}, got {typeName value}"
            | Some t when t.ValueKind = JsonValueKind.Array ->
                let allowed = t.EnumerateArray() |> Seq.map _.GetString() |> Seq.toList

                if allowed |> List.exists (fun a -> typeMatches a value) then
                    []
                else
                    here $"""expected one of {String.Join(", ", allowed)}, got {typeName value}"""
            | _ -> []

        if not typeProblems.IsEmpty then
            typeProblems
        else
            [
                match prop "enum" schema with
                | Some allowed when
                    not (
                        allowed.EnumerateArray()
                        |> Seq.exists (fun a -> JsonElement.DeepEquals(a, value))
                    )
                    ->
                    yield! here $"{value.GetRawText()} is not one of {JsonSerializer.Serialize allowed}"
                | _ -> ()

                match prop "oneOf" schema with
                | Some options ->
                    let results =
                        options.EnumerateArray()
                        |> Seq.map (fun o -> violations doc path o value)
                        |> Seq.toList

                    match results |> List.filter List.isEmpty |> List.length with
                    | 1 -> ()
                    | 0 ->
                        yield! here "matches none of oneOf; nearest:"
                        yield! results |> List.minBy List.length
                    | n -> yield! here $"matches {n} of oneOf, not exactly one"
                | None -> ()

                match prop "anyOf" schema with
                | Some options ->
                    let results =
                        options.EnumerateArray()
                        |> Seq.map (fun o -> violations doc path o value)
                        |> Seq.toList

                    if not (results |> List.exists List.isEmpty) then
                        let nearest = results |> List.minBy List.length
                        yield! here "matches none of anyOf; nearest:"
                        yield! nearest
                | None -> ()

                match value.ValueKind with
                | JsonValueKind.Number ->
                    let n = value.GetDouble()

                    match prop "minimum" schema with
                    | Some m when n < m.GetDouble() -> yield! here $"{n} < minimum {m.GetDouble()}"
                    | _ -> ()

                    match prop "maximum" schema with
                    | Some m when n > m.GetDouble() -> yield! here $"{n} > maximum {m.GetDouble()}"
                    | _ -> ()
                | JsonValueKind.String ->
                    let s = value.GetString()

                    match prop "minLength" schema with
                    | Some m when s.Length < m.GetInt32() -> yield! here $"shorter than {m.GetInt32()}"
                    | _ -> ()

                    match prop "maxLength" schema with
                    | Some m when s.Length > m.GetInt32() -> yield! here $"longer than {m.GetInt32()}"
                    | _ -> ()

                    match prop "pattern" schema with
                    | Some p when not (Regex.IsMatch(s, p.GetString())) -> yield! here $"does not match {p.GetString()}"
                    | _ -> ()
                | JsonValueKind.Array ->
                    let items = value.EnumerateArray() |> Seq.toList

                    match prop "minItems" schema with
                    | Some m when items.Length < m.GetInt32() -> yield! here $"fewer than {m.GetInt32()} items"
                    | _ -> ()

                    match prop "maxItems" schema with
                    | Some m when items.Length > m.GetInt32() -> yield! here $"more than {m.GetInt32()} items"
                    | _ -> ()

                    match prop "items" schema with
                    | Some itemSchema ->
                        for i, item in List.indexed items do
                            yield! violations doc $"{path}[{i}]" itemSchema item
                    | None -> ()
                | JsonValueKind.Object ->
                    let declared = prop "properties" schema

                    match prop "required" schema with
                    | Some required ->
                        for r in required.EnumerateArray() do
                            if (prop (r.GetString()) value).IsNone then
                                yield! here $"missing required property '{r.GetString()}'"
                    | None -> ()

                    for field in value.EnumerateObject() do
                        let fieldPath = $"{path}.{field.Name}"

                        match declared |> Option.bind (prop field.Name) with
                        | Some fieldSchema -> yield! violations doc fieldPath fieldSchema field.Value
                        | None ->
                            match prop "additionalProperties" schema with
                            | Some a when a.ValueKind = JsonValueKind.False ->
                                yield! [ $"{fieldPath}: unknown property" ]
                            | Some a when a.ValueKind = JsonValueKind.Object ->
                                yield! violations doc fieldPath a field.Value
                            | _ -> ()
                | _ -> ()
            ]

/// Violations of the definition `definition` of a document by a JSON text (invalid JSON is one violation).
let validate (doc: SpecDocument) (definition: string) (json: string) : string list =
    try
        use parsed = JsonDocument.Parse json
        violations doc definition (resolve doc $"#/$defs/{definition}") parsed.RootElement
    with :? JsonException as e -> [ $"{definition}: body is not JSON ({e.Message})" ]
