namespace TimepointFlash.Api

open System.Text.Json.Nodes
open TimepointFlash

/// The OpenAPI 3.1 document, derived from the route table (method, path, name, tag, summary, access class and each
/// route's OperationDoc) and the named schemas of ApiSchemas. Nothing else declares the contract.
[<RequireQualifiedAccess>]
module OpenApiDocument =
    /// Tags in the order the pages show them, with what they group.
    let tags = [
        "Timepoints", "Generate, read, list and delete scenes."
        "Temporal", "Travel in time from a scene and read its sequence."
        "Models", "Models and providers the engine knows."
        "Eval", "Compare models and presets on one query."
        "System", "Liveness and readiness."
    ]

    /// The OpenAPI path of a route path (`{**model_id}` becomes `{model_id}`).
    let pathOf (routePath: string) = routePath.Replace("{**", "{")

    let private problem (description: string) =
        Encode.obj [
            "description", Encode.string description
            "content",
            Encode.obj [
                "application/problem+json", Encode.obj [ "schema", ApiSchema.render (ApiSchema.ref "Problem") ]
            ]
        ]

    let private retryAfter () =
        Encode.obj [
            "Retry-After",
            Encode.obj [
                "description", Encode.string "Seconds to wait before retrying."
                "schema", ApiSchema.render ApiSchema.int
            ]
        ]

    /// The error statuses a route answers because of its class and body, with their meaning.
    let impliedErrors (access: Access) (hasBody: bool) : (int * string) list = [
        if hasBody then
            400, "The body is not valid JSON."
            413, "The body is too large."
            415, "The body is not sent as application/json."
            422, "The body is not a JSON object, or a field is missing or invalid (see errors)."
        match access with
        | Access.Read
        | Access.Write
        | Access.ModelWrite
        | Access.Metrics -> 401, "A key or session is needed (only when the deployment configures keys)."
        | Access.Public
        | Access.SignIn -> ()
        if Access.changesState access then
            403, "A cross-site browser request was refused."
        match Access.policy access with
        | Some _ -> 429, "Too many requests for the route's rate policy; see Retry-After."
        | None -> ()
        if access <> Access.Public then
            503, "Storage is temporarily unavailable; see Retry-After."
        500, "An unexpected error."
    ]

    let private response (docs: ResponseDoc list) =
        let first = List.head docs
        let o = JsonObject()
        o["description"] <- Encode.string (docs |> List.map _.Description |> List.distinct |> String.concat " ")

        let content =
            docs
            |> List.filter (fun r -> r.Body.IsSome)
            |> List.map (fun r ->
                r.Media,
                Encode.obj [
                    "schema", ApiSchema.render r.Body.Value
                    match r.Example with
                    | Some e -> "example", e.DeepClone()
                    | None -> ()
                ])

        if not content.IsEmpty then
            o["content"] <- Encode.obj content

        if first.Status = 503 then
            o["headers"] <- retryAfter ()

        o :> JsonNode

    let private parameter (p: ParamDoc) =
        Encode.obj [
            "name", Encode.string p.Name
            "in", Encode.string (if p.In = ParamIn.Path then "path" else "query")
            "required", Encode.bool p.Required
            "description", Encode.string p.Description
            "schema", ApiSchema.render p.ApiSchema
        ]

    /// One operation object.
    let operation (r: Routes.Route) =
        let doc = r.Doc
        let declared = doc.Responses |> List.map _.Status |> Set.ofList

        let errors =
            doc.Errors @ impliedErrors r.Access doc.Body.IsSome
            |> List.filter (fun (status, _) -> not (declared.Contains status))
            |> List.groupBy fst
            |> List.map (fun (status, items) -> status, items |> List.map snd |> String.concat " ")

        let responses =
            (doc.Responses
             |> List.groupBy _.Status
             |> List.map (fun (status, docs) -> status, response docs))
            @ (errors
               |> List.map (fun (status, text) ->
                   let p = problem text

                   if status = 429 || status = 503 then
                       p["headers"] <- retryAfter ()

                   status, p))
            |> List.sortBy fst

        Encode.obj [
            "operationId", Encode.string r.Name
            "summary", Encode.string r.Summary
            if doc.Description <> "" then
                "description", Encode.string doc.Description
            "tags", Encode.list Encode.string [ r.Tag ]
            if r.Access = Access.Public then
                "security", JsonArray()
            if not doc.Parameters.IsEmpty then
                "parameters", Encode.list parameter doc.Parameters
            match doc.Body with
            | Some(schema, example) ->
                "requestBody",
                Encode.obj [
                    "required", Encode.bool true
                    "content",
                    Encode.obj [
                        "application/json",
                        Encode.obj [ "schema", ApiSchema.render schema; "example", example.DeepClone() ]
                    ]
                ]
            | None -> ()
            "responses", Encode.obj (responses |> List.map (fun (status, node) -> string status, node))
        ]

    /// The whole document for the API routes of a table.
    let build (version: string) (routes: Routes.Route list) : JsonNode =
        let api = routes |> List.filter (fun r -> r.Surface = Surface.Api)

        let paths =
            api
            |> List.groupBy (fun r -> pathOf r.Path)
            |> List.map (fun (path, ops) ->
                path, Encode.obj (ops |> List.map (fun r -> r.Method.ToLowerInvariant(), operation r)))

        Encode.obj [
            "openapi", Encode.string "3.1.0"
            "info",
            Encode.obj [
                "title", Encode.string "TimepointFlash API"
                "version", Encode.string version
                "summary", Encode.string "Historically grounded scenes of a moment in time."
                "description",
                Encode.string
                    "Turns a moment in time into a historically grounded scene. Errors are problem details (RFC 9457) with an `error` member repeating `detail`. Reads are public unless the deployment requires keys; writes need a key (X-API-Key or Bearer) or a session when keys are configured."
                "license", Encode.obj [ "name", Encode.string "MIT"; "identifier", Encode.string "MIT" ]
            ]
            "servers",
            Encode.list id [
                Encode.obj [ "url", Encode.string "/"; "description", Encode.string "This server" ]
            ]
            "security",
            Encode.list id [
                Encode.obj []
                Encode.obj [ "ApiKey", JsonArray() ]
                Encode.obj [ "Bearer", JsonArray() ]
            ]
            "tags",
            tags
            |> Encode.list (fun (name, text) ->
                Encode.obj [ "name", Encode.string name; "description", Encode.string text ])
            "paths", Encode.obj paths
            "components",
            Encode.obj [
                "schemas",
                Encode.obj (
                    ApiSchemas.components
                    |> List.map (fun (name, s) -> name, ApiSchema.render s :> JsonNode)
                )
                "securitySchemes",
                Encode.obj [
                    "ApiKey",
                    Encode.obj [
                        "type", Encode.string "apiKey"
                        "in", Encode.string "header"
                        "name", Encode.string "X-API-Key"
                    ]
                    "Bearer", Encode.obj [ "type", Encode.string "http"; "scheme", Encode.string "bearer" ]
                ]
            ]
        ]

    /// The document as indented JSON text.
    let render (version: string) (routes: Routes.Route list) =
        (build version routes).ToJsonString(System.Text.Json.JsonSerializerOptions(WriteIndented = true))
