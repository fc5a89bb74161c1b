namespace TimepointFlash.Api

open System.Text.Json.Nodes
open TimepointFlash

/// A JSON Schema of the OpenAPI 3.1 dialect as a value: the contract's shapes are declared with these and rendered
/// once into the document.
[<RequireQualifiedAccess>]
type ApiSchema =
    /// A string with optional length bounds, format and pattern.
    | String of minLength: int option * maxLength: int option * format: string option
    /// A whole number with optional bounds.
    | Integer of minimum: int64 option * maximum: int64 option
    /// A number with optional bounds.
    | Number of minimum: float option * maximum: float option
    | Boolean
    /// One of fixed strings.
    | Enum of values: string list
    | Array of item: ApiSchema * maxItems: int option
    /// An object with named properties (others allowed unless closed) and the required ones.
    | Object of properties: (string * ApiSchema) list * required: string list
    /// An object of free keys whose values share a schema.
    | Map of ApiSchema
    /// A named component schema.
    | Ref of name: string
    /// The schema or JSON null (a type list with "null", or oneOf null and a reference).
    | Nullable of ApiSchema
    /// One of several schemas.
    | AnyOf of ApiSchema list
    /// Any JSON value.
    | Any
    /// Raw bytes (images).
    | Binary
    /// A schema with a description, a default and an example.
    | Annotated of ApiSchema * description: string * defaultValue: JsonNode option * example: JsonNode option

/// Constructors and the renderer for schemas.
[<RequireQualifiedAccess>]
module ApiSchema =
    /// Where component schemas live in the document.
    let componentPrefix = "#/components/schemas/"

    /// Any string.
    let str = ApiSchema.String(None, None, None)

    /// A string with a format (uuid, date-time, uri-reference, …).
    let formatted (format: string) =
        ApiSchema.String(None, None, Some format)

    /// A string of bounded length.
    let bounded (lo: int) (hi: int) =
        ApiSchema.String(Some lo, Some hi, None)

    /// Any whole number.
    let int = ApiSchema.Integer(None, None)

    /// A whole number within bounds.
    let intRange (lo: int64) (hi: int64) = ApiSchema.Integer(Some lo, Some hi)

    /// Any number.
    let num = ApiSchema.Number(None, None)

    /// A boolean.
    let bool = ApiSchema.Boolean

    /// One of fixed strings.
    let enum (values: string list) = ApiSchema.Enum values

    /// An array.
    let arr (item: ApiSchema) = ApiSchema.Array(item, None)

    /// A component reference.
    let ref (name: string) = ApiSchema.Ref name

    /// The schema or null.
    let nullable (s: ApiSchema) = ApiSchema.Nullable s

    /// An object: properties, of which `required` are always present.
    let obj (properties: (string * ApiSchema) list) (required: string list) = ApiSchema.Object(properties, required)

    /// An object whose every property is always present.
    let record (properties: (string * ApiSchema) list) =
        ApiSchema.Object(properties, List.map fst properties)

    /// With a description.
    let describe (text: string) (s: ApiSchema) =
        ApiSchema.Annotated(s, text, None, None)

    /// With a description and a default.
    let withDefault (text: string) (value: JsonNode) (s: ApiSchema) =
        ApiSchema.Annotated(s, text, Some value, None)

    /// With a description and an example.
    let example (text: string) (value: JsonNode) (s: ApiSchema) =
        ApiSchema.Annotated(s, text, None, Some value)

    let private set (o: JsonObject) (key: string) (value: JsonNode) = o[key] <- value

    let private typed (name: string) =
        let o = JsonObject()
        set o "type" (Encode.string name)
        o

    /// The JSON of a schema (fresh nodes on every call).
    let rec render (s: ApiSchema) : JsonObject =
        match s with
        | ApiSchema.String(lo, hi, format) ->
            let o = typed "string"
            lo |> Option.iter (fun n -> set o "minLength" (Encode.int n))
            hi |> Option.iter (fun n -> set o "maxLength" (Encode.int n))
            format |> Option.iter (fun f -> set o "format" (Encode.string f))
            o
        | ApiSchema.Integer(lo, hi) ->
            let o = typed "integer"
            lo |> Option.iter (fun n -> set o "minimum" (Encode.int64 n))
            hi |> Option.iter (fun n -> set o "maximum" (Encode.int64 n))
            o
        | ApiSchema.Number(lo, hi) ->
            let o = typed "number"
            lo |> Option.iter (fun n -> set o "minimum" (Encode.float n))
            hi |> Option.iter (fun n -> set o "maximum" (Encode.float n))
            o
        | ApiSchema.Boolean -> typed "boolean"
        | ApiSchema.Enum values ->
            let o = typed "string"
            set o "enum" (Encode.list Encode.string values)
            o
        | ApiSchema.Array(item, maxItems) ->
            let o = typed "array"
            set o "items" (render item)
            maxItems |> Option.iter (fun n -> set o "maxItems" (Encode.int n))
            o
        | ApiSchema.Object(properties, required) ->
            let o = typed "object"

            if not properties.IsEmpty then
                let props = JsonObject()

                for name, p in properties do
                    props[name] <- render p

                set o "properties" props

            if not required.IsEmpty then
                set o "required" (Encode.list Encode.string required)

            o
        | ApiSchema.Map value ->
            let o = typed "object"
            set o "additionalProperties" (render value)
            o
        | ApiSchema.Ref name ->
            let o = JsonObject()
            set o "$ref" (Encode.string (componentPrefix + name))
            o
        | ApiSchema.Nullable inner ->
            let r = render inner

            match r["type"] with
            | :? JsonValue as t ->
                r["type"] <- Encode.list Encode.string [ t.GetValue<string>(); "null" ]

                match r["enum"] with
                | :? JsonArray as values -> values.Add(Encode.nil)
                | _ -> ()

                r
            | _ ->
                // null first: generators (NSwag) read oneOf [null, X] as "X or null", not as a new type.
                let o = JsonObject()
                set o "oneOf" (JsonArray(typed "null", r))
                o
        | ApiSchema.AnyOf options ->
            let o = JsonObject()
            set o "anyOf" (JsonArray(options |> List.map (fun x -> render x :> JsonNode) |> Array.ofList))
            o
        | ApiSchema.Any -> JsonObject()
        | ApiSchema.Binary ->
            let o = typed "string"
            set o "format" (Encode.string "binary")
            o
        | ApiSchema.Annotated(inner, description, defaultValue, example) ->
            let r = render inner
            set r "description" (Encode.string description)
            defaultValue |> Option.iter (fun v -> set r "default" (v.DeepClone()))
            example |> Option.iter (fun v -> set r "examples" (JsonArray(v.DeepClone())))
            r
