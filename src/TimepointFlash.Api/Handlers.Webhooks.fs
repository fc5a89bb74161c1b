namespace TimepointFlash.Api

open System
open System.Threading.Tasks
open Microsoft.AspNetCore.Http
open TimepointFlash
open TimepointFlash.Persistence
open TimepointFlash.Runtime

/// Callbacks at request time (the SSRF rules, 422 on refusal) and the deliveries listing.
[<RequireQualifiedAccess>]
module WebhookHandlers =
    let private refuse (message: string) =
        Http.unprocessable "Invalid callback" [
            {
                Path = "callback_url"
                Message = message
            }
        ]

    /// The callback of a request checked against the SSRF rules and the server's settings; a 422 when refused.
    let resolve (deps: ApiDeps) (body: CallbackBody option) : Result<Callback option, IResult> =
        match body with
        | None -> Ok None
        | Some _ when deps.Webhooks.Secret.IsNone ->
            Error(refuse "this server has no WEBHOOK_SECRET, so it cannot sign deliveries")
        | Some b ->
            match CallbackRules.check deps.Webhooks.AllowHosts b.Url with
            | Error r -> Error(refuse (CallbackRules.describe r))
            | Ok uri -> Ok(Some { Url = uri; Context = b.Context })

    /// 422 for a callback on an endpoint that answers in the request (only background runs call back).
    let notBackground =
        refuse "only background runs call back (POST /api/v1/timepoints/generate, or navigation with background)"

    /// A callback URL without credentials, query or fragment (they may carry secrets).
    let redact (url: string) =
        match Uri.TryCreate(url, UriKind.Absolute) with
        | true, u -> $"{u.Scheme}://{u.Authority}{u.AbsolutePath}"
        | _ -> "(invalid)"

    let private iso (d: DateTimeOffset) =
        d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", Globalization.CultureInfo.InvariantCulture)

    let private encodeAttempt (a: DeliveryAttempt) =
        Encode.obj [
            "number", Encode.int a.Number
            "attempted_at", Encode.string (iso a.AttemptedAt)
            "status_code", Encode.opt Encode.int a.StatusCode
            "error", Encode.opt Encode.string a.Error
            "duration_ms", Encode.int a.DurationMs
            "verdict", Encode.string (AttemptVerdictName.name a.Verdict)
        ]

    /// One delivery with its attempts, oldest first.
    let encodeDelivery (d: Delivery, attempts: DeliveryAttempt list) =
        Encode.obj [
            "id", Encode.string (string d.Id)
            "url", Encode.string (redact d.Url)
            "status", Encode.string (DeliveryStatus.name d.Status)
            "attempt_count", Encode.int (List.length attempts)
            "next_attempt_at",
            (match d.Status with
             | DeliveryStatus.Pending -> Encode.opt (iso >> Encode.string) d.NextAttemptAt
             | _ -> Encode.nil)
            "delivered_at", Encode.opt (iso >> Encode.string) d.DeliveredAt
            "created_at", Encode.string (iso d.CreatedAt)
            "attempts", Encode.list encodeAttempt attempts
        ]

    /// GET /api/v1/timepoints/{id}/deliveries — the webhook deliveries of a timepoint and every attempt.
    let deliveries (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match Dto.id (Http.route "id" ctx) with
        | None -> return Errors.timepointNotFound
        | Some id ->
            match! deps.App.Store.Get id with
            | None -> return Errors.timepointNotFound
            | Some _ ->
                match! deps.Deliveries.ForTimepoint id with
                | Error e -> return raise (StoreFailure e)
                | Ok ds ->
                    return
                        Http.ok (
                            Encode.obj [
                                "timepoint_id", Encode.string (string id)
                                "deliveries", Encode.list encodeDelivery ds
                            ]
                        )
    }
