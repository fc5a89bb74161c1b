namespace TimepointFlash.Api

open System.Text.Json.Nodes

/// Where a parameter is read from.
[<RequireQualifiedAccess>]
type ParamIn =
    | Query
    | Path

/// One documented parameter.
type ParamDoc = {
    Name: string
    In: ParamIn
    Required: bool
    ApiSchema: ApiSchema
    Description: string
}

/// One documented answer: status, media type, body schema (None: no body) and an optional example.
type ResponseDoc = {
    Status: int
    Description: string
    Media: string
    Body: ApiSchema option
    Example: JsonNode option
}

/// What the OpenAPI document says about one route beyond its method, path, name, tag and summary: parameters,
/// request body, the answers it gives, and the error statuses particular to it. The errors every route of a class
/// can answer (401, 403, 429, 503, 500, and 400/413/415/422 for a body) are added from the class, not listed here.
type OperationDoc = {
    Description: string
    Parameters: ParamDoc list
    /// The request body's schema and an example.
    Body: (ApiSchema * JsonNode) option
    Responses: ResponseDoc list
    /// Statuses particular to the route (404, 400, 422 for query parameters, …) with what they mean.
    Errors: (int * string) list
}

/// Builders for operation documents.
[<RequireQualifiedAccess>]
module OperationDoc =
    /// Nothing documented yet: the contract tests fail for an API route left like this.
    let pending = {
        Description = ""
        Parameters = []
        Body = None
        Responses = []
        Errors = []
    }

    /// A path parameter.
    let path (name: string) (schema: ApiSchema) (description: string) = {
        Name = name
        In = ParamIn.Path
        Required = true
        ApiSchema = schema
        Description = description
    }

    /// An optional query parameter.
    let query (name: string) (schema: ApiSchema) (description: string) = {
        Name = name
        In = ParamIn.Query
        Required = false
        ApiSchema = schema
        Description = description
    }

    /// A JSON answer with the named component schema.
    let json (status: int) (description: string) (componentName: string) = {
        Status = status
        Description = description
        Media = "application/json"
        Body = Some(ApiSchema.ref componentName)
        Example = None
    }

    /// A JSON answer with an example.
    let jsonExample (status: int) (description: string) (componentName: string) (example: JsonNode) = {
        json status description componentName with
            Example = Some example
    }

    /// A server-sent event stream whose `data:` lines are each one of the named event schemas.
    let events (description: string) (eventNames: string list) = {
        Status = 200
        Description = description
        Media = "text/event-stream"
        Body = Some(ApiSchema.AnyOf(eventNames |> List.map ApiSchema.ref))
        Example = None
    }

    /// Raw bytes of a media type.
    let bytes (status: int) (description: string) (media: string) = {
        Status = status
        Description = description
        Media = media
        Body = Some ApiSchema.Binary
        Example = None
    }

    /// An answer without a body.
    let empty (status: int) (description: string) = {
        Status = status
        Description = description
        Media = ""
        Body = None
        Example = None
    }
