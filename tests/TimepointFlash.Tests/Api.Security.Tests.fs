/// The access model over HTTP: every write route refuses a caller without a key or session, forms resist forgery,
/// sessions cannot be forged, security headers are on every response, and the two rate policies count apart.
module TimepointFlash.Tests.ApiSecurity

open System
open System.Net
open System.Net.Http
open System.Text
open System.Text.RegularExpressions
open System.Threading.Tasks
open Expecto
open Microsoft.AspNetCore.Http
open Microsoft.AspNetCore.Routing
open TimepointFlash.Api
open TimepointFlash.Tests.Support.ApiHost
open TimepointFlash.Tests.Reliability.Support

let private key = "k1-secret-value"

/// Cookies a browser would hold, by name.
type private Jar = Map<string, string>

let private remember (jar: Jar) (resp: HttpResponseMessage) : Jar =
    match resp.Headers.TryGetValues "Set-Cookie" with
    | true, values ->
        values
        |> Seq.fold
            (fun (j: Jar) v ->
                let pair = v.Split(';')[0]
                let at = pair.IndexOf '='
                let name, value = pair.Substring(0, at), pair.Substring(at + 1)
                if value = "" then j.Remove name else j.Add(name, value))
            jar
    | _ -> jar

/// Sends a request with the jar's cookies and extra headers.
let private send (api: TestApi) (jar: Jar) (m: string) (path: string) (headers: (string * string) list) content = task {
    let req = new HttpRequestMessage(HttpMethod m, path)

    if not jar.IsEmpty then
        req.Headers.Add("Cookie", jar |> Seq.map (fun kv -> $"{kv.Key}={kv.Value}") |> String.concat "; ")

    for k, v in headers do
        req.Headers.TryAddWithoutValidation(k, v) |> ignore

    content |> Option.iter (fun c -> req.Content <- c)
    let! resp = api.Client.SendAsync req
    return resp, remember jar resp
}

let private form (fields: (string * string) list) : HttpContent =
    new FormUrlEncodedContent(fields |> List.map (fun (k, v) -> Collections.Generic.KeyValuePair(k, v)))

let private json (text: string) : HttpContent =
    new StringContent(text, Encoding.UTF8, "application/json")

/// The form token of a page and the jar holding its cookie.
let private tokenOf (api: TestApi) (jar: Jar) (path: string) = task {
    let! (resp: HttpResponseMessage), jar = send api jar "GET" path [] None
    let! html = resp.Content.ReadAsStringAsync()
    let m = Regex.Match(html, $"name=\"{FormToken.field}\" value=\"([^\"]+)\"")
    Expect.isTrue m.Success $"{path} carries a form token"
    return m.Groups[1].Value, jar
}

/// Signs in through the form and returns the jar with the session cookie.
let private signIn (api: TestApi) = task {
    let! token, jar = tokenOf api Map.empty "/signin"

    let! (resp: HttpResponseMessage), jar =
        send api jar "POST" "/signin" [] (Some(form [ FormToken.field, token; "key", key; "next", "/" ]))

    Expect.equal resp.StatusCode HttpStatusCode.Found "signed in"
    Expect.isTrue (jar.ContainsKey Session.cookieName) "the session cookie is set"
    return jar
}

let private withKeys (vars: (string * string) list) (f: TestApi -> Task<unit>) = task {
    let! api = startWith ([ "API_KEYS", $"{key},k2-other" ] @ vars) None

    try
        do! f api
    finally
        (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
}

let private noSettings: (string * string) list = []
let private closedReads = [ "READS_REQUIRE_KEY", "true" ]
let private closedMetrics = [ "METRICS_REQUIRE_KEY", "true" ]
let private oneGeneration = [ "RATE_LIMIT", "1" ]

/// A completed timepoint made with the key: (id, slug).
let private seed (api: TestApi) = task {
    let! (resp: HttpResponseMessage), _ =
        send
            api
            Map.empty
            "POST"
            "/api/v1/timepoints/generate/sync"
            [ "X-API-Key", key ]
            (Some(json """{"query":"rome 50 BCE"}"""))

    Expect.equal resp.StatusCode HttpStatusCode.OK "seeded with the key"
    let! b = body resp
    return str b "id", str b "slug"
}

/// Every mapped endpoint with its methods and class, read from the running application's route table.
let private endpoints (api: TestApi) =
    (api.App :> IEndpointRouteBuilder).DataSources
    |> Seq.collect (fun d -> d.Endpoints)
    |> Seq.choose (function
        | :? RouteEndpoint as e ->
            let methods =
                match e.Metadata.GetMetadata<HttpMethodMetadata>() with
                | null -> [ "GET" ]
                | m -> List.ofSeq m.HttpMethods

            Some(e.RoutePattern.RawText, methods, box (e.Metadata.GetMetadata<RouteClass>()))
        | _ -> None)
    |> List.ofSeq

let private fill (id: string) (slug: string) (pattern: string) =
    Regex.Replace(
        (if pattern.StartsWith "/" then pattern else "/" + pattern),
        @"\{\**(\w+)[^}]*\}",
        fun m ->
            match m.Groups[1].Value with
            | "id" -> id
            | "slug" -> slug
            | "name" -> "app.js"
            | _ -> "x"
    )

let private refused (what: string) (resp: HttpResponseMessage) =
    Expect.contains [ 401; 403 ] (int resp.StatusCode) $"{what} is refused (got {int resp.StatusCode})"

let private walk = testTask "no POST, DELETE, PATCH or PUT route in the route table succeeds without a key or a session" {
    do!
        withKeys noSettings (fun api -> task {
            let! id, slug = seed api

            let unsafeRoutes =
                endpoints api
                |> List.collect (fun (pattern, methods, _) ->
                    methods
                    |> List.filter (fun m -> not (HttpMethods.IsGet m || HttpMethods.IsHead m))
                    |> List.map (fun m -> m, fill id slug pattern))

            let paths = unsafeRoutes |> List.map snd

            for expected in
                [
                    "/api/v1/timepoints/generate"
                    "/ui/generate"
                    $"/t/{slug}/delete"
                    "/signin"
                    "/signout"
                ] do
                Expect.contains paths expected $"the walk covers {expected}"

            Expect.isGreaterThanOrEqual unsafeRoutes.Length 11 "every write route is walked"
            let! before = countRows api
            let! token, jar = tokenOf api Map.empty "/"

            for m, path in unsafeRoutes do
                let fields = [
                    "query", "rome 50 BCE"
                    "direction", "next"
                    "units", "1"
                    "unit", "day"
                    "key", "guess"
                ]

                let! (bare: HttpResponseMessage), _ =
                    send api Map.empty m path [] (Some(json """{"query":"rome 50 BCE","units":1,"unit":"day"}"""))

                refused $"{m} {path} as JSON" bare

                let! (withToken: HttpResponseMessage), _ =
                    send
                        api
                        jar
                        m
                        path
                        [ "Origin", "http://localhost"; "Sec-Fetch-Site", "same-origin" ]
                        (Some(form ((FormToken.field, token) :: fields)))

                refused $"{m} {path} as a same-origin form with a valid token" withToken

                let! (badKey: HttpResponseMessage), _ =
                    send api Map.empty m path [ "X-API-Key", "guess" ] (Some(json "{}"))

                refused $"{m} {path} with a wrong key" badKey

            let! after = countRows api
            Expect.equal after before "nothing was created, changed or deleted"
            let! (still: HttpResponseMessage), _ = send api Map.empty "GET" $"/api/v1/timepoints/{id}" [] None
            Expect.equal still.StatusCode HttpStatusCode.OK "the seeded timepoint is still there"
        })
}

let private classified = testTask "every endpoint of the running application carries an access class" {
    do!
        withKeys noSettings (fun api -> task {
            let all = endpoints api
            Expect.isGreaterThanOrEqual all.Length 25 "the route table is read"

            for pattern, _, cls in all do
                Expect.isNotNull cls $"{pattern} has a RouteClass"
        })
}

let private forms =
    testList "forms" [
        testTask "UI posts without a session are refused and store nothing (generate, travel, delete)" {
            do!
                withKeys noSettings (fun api -> task {
                    let! _, slug = seed api
                    let! before = countRows api
                    let! token, jar = tokenOf api Map.empty "/"

                    for path, fields in
                        [
                            "/ui/generate", [ "query", "battle of hastings" ]
                            $"/t/{slug}/travel", [ "direction", "next"; "units", "1"; "unit", "day" ]
                            $"/t/{slug}/delete", []
                            $"/t/{slug}/chat", [ "character", "Anyone"; "message", "hello" ]
                            $"/t/{slug}/dialog", [ "num_lines", "2" ]
                            $"/t/{slug}/survey", [ "questions", "why?" ]
                        ] do
                        let! (resp: HttpResponseMessage), _ =
                            send api jar "POST" path [] (Some(form ((FormToken.field, token) :: fields)))

                        Expect.equal resp.StatusCode HttpStatusCode.Unauthorized $"{path} needs a session"
                        let! html = resp.Content.ReadAsStringAsync()
                        Expect.stringContains html "/signin" "the page points to sign-in"

                    let! after = countRows api
                    Expect.equal after before "nothing stored or deleted"
                })
        }

        testTask "with a session the scene page's chat, dialog and survey forms answer without JavaScript" {
            do!
                withKeys noSettings (fun api -> task {
                    let! _, slug = seed api
                    let! jar = signIn api
                    let! token, jar = tokenOf api jar $"/t/{slug}"
                    let! (page: HttpResponseMessage), _ = send api jar "GET" $"/t/{slug}" [] None
                    let! html = page.Content.ReadAsStringAsync()

                    let m =
                        Regex.Match(html, "id=\"chat-character\" name=\"character\"><option value=\"([^\"]+)\"")

                    Expect.isTrue m.Success "the chat panel offers the cast"
                    let name = Net.WebUtility.HtmlDecode m.Groups[1].Value

                    let dialogLines (h: string) =
                        Regex.Matches(h, "class=\"speaker\"").Count

                    let post path fields =
                        send api jar "POST" path [] (Some(form ((FormToken.field, token) :: fields)))

                    let! (sent: HttpResponseMessage), _ =
                        post $"/t/{slug}/chat" [ "character", name; "message", "What is happening here?" ]

                    Expect.equal sent.StatusCode HttpStatusCode.Found "the chat form answers with the scene"
                    let location = string sent.Headers.Location
                    Expect.stringStarts location $"/t/{slug}?session=" "reopened with its session"
                    let sid = Regex.Match(location, "session=([0-9a-f-]+)").Groups[1].Value

                    let! (again: HttpResponseMessage), _ =
                        post $"/t/{slug}/chat" [ "character", name; "message", "And who are you?"; "session_id", sid ]

                    Expect.equal (string again.Headers.Location) location "the second message joins the session"
                    let! (reload: HttpResponseMessage), _ = send api jar "GET" location [] None
                    let! chat = reload.Content.ReadAsStringAsync()

                    for text in [ "What is happening here?"; "And who are you?" ] do
                        Expect.stringContains chat text "the history is shown after a reload"

                    Expect.equal (Regex.Matches(chat, "class=\"chat-character\"").Count) 2 "both answers are shown"

                    let! (extended: HttpResponseMessage), _ = post $"/t/{slug}/dialog" [ "num_lines", "2" ]
                    Expect.equal extended.StatusCode HttpStatusCode.Found "the dialog form answers with the scene"
                    let! (after: HttpResponseMessage), _ = send api jar "GET" $"/t/{slug}" [] None
                    let! afterHtml = after.Content.ReadAsStringAsync()
                    Expect.equal (dialogLines afterHtml) (dialogLines html + 2) "two lines saved to the scene"

                    let! (surveyed: HttpResponseMessage), _ =
                        post $"/t/{slug}/survey" [
                            "questions", "What do you fear?\nWho leads you?"
                            "characters", name
                        ]

                    Expect.equal surveyed.StatusCode HttpStatusCode.OK "the survey answers a page"
                    let! answers = surveyed.Content.ReadAsStringAsync()
                    Expect.equal (Regex.Matches(answers, "class=\"survey-answer\"").Count) 2 "one answer a question"

                    let! (unknown: HttpResponseMessage), _ =
                        post $"/t/{slug}/chat" [ "character", "Nobody Atall"; "message", "hello" ]

                    Expect.equal unknown.StatusCode HttpStatusCode.NotFound "an unknown character is named as such"

                    let! (many: HttpResponseMessage), _ =
                        post $"/t/{slug}/survey" [
                            "questions", String.Join("\n", List.init 11 (sprintf "Question %d?"))
                        ]

                    Expect.equal many.StatusCode HttpStatusCode.UnprocessableEntity "too many questions"
                })
        }

        testTask "with a session and the page's token the UI generates; the same post from another site is refused" {
            do!
                withKeys noSettings (fun api -> task {
                    let! jar = signIn api
                    let! token, jar = tokenOf api jar "/"
                    let! before = countRows api

                    let post headers =
                        send
                            api
                            jar
                            "POST"
                            "/ui/generate"
                            headers
                            (Some(form [ FormToken.field, token; "query", "battle of hastings" ]))

                    for headers in
                        [
                            [ "Origin", "https://evil.example" ]
                            [ "Sec-Fetch-Site", "cross-site" ]
                            [ "Origin", "null" ]
                        ] do
                        let! (resp: HttpResponseMessage), _ = post headers
                        Expect.equal resp.StatusCode HttpStatusCode.Forbidden $"cross-site {headers} refused"

                    let! (noToken: HttpResponseMessage), _ =
                        send api jar "POST" "/ui/generate" [] (Some(form [ "query", "battle of hastings" ]))

                    Expect.equal noToken.StatusCode HttpStatusCode.Forbidden "no form token: refused"
                    let! unchanged = countRows api
                    Expect.equal unchanged before "refused posts changed nothing"

                    let! (ok: HttpResponseMessage), _ =
                        post [ "Origin", "http://localhost"; "Sec-Fetch-Site", "same-origin" ]

                    Expect.equal ok.StatusCode HttpStatusCode.Found "same-origin post with a session generates"
                    Expect.stringStarts (string ok.Headers.Location) "/t/" "and opens the scene"
                })
        }

        testTask "a forged, altered, expired or foreign-key session cookie is refused" {
            do!
                withKeys noSettings (fun api -> task {
                    let! jar = signIn api
                    let! token, jar = tokenOf api jar "/"
                    let good = jar[Session.cookieName]
                    let last = good[good.Length - 1]
                    let altered = good.Substring(0, good.Length - 1) + (if last = 'A' then "B" else "A")

                    for name, cookie in
                        [
                            "altered", altered
                            "expired",
                            Session.issue key (DateTimeOffset.UtcNow - Session.lifetime - TimeSpan.FromMinutes 1.0)
                            "signed by an unknown key", Session.issue "not-a-configured-key" DateTimeOffset.UtcNow
                            "made up", "v1.00000000.99999999999.AAAA"
                        ] do
                        let! (resp: HttpResponseMessage), _ =
                            send
                                api
                                (jar.Add(Session.cookieName, cookie))
                                "POST"
                                "/ui/generate"
                                []
                                (Some(form [ FormToken.field, token; "query", "battle of hastings" ]))

                        Expect.equal resp.StatusCode HttpStatusCode.Unauthorized $"{name} cookie refused"

                    let! (api401: HttpResponseMessage), _ =
                        send
                            api
                            (Map.ofList [ Session.cookieName, Session.issue key (DateTimeOffset.UtcNow.AddDays -1.0) ])
                            "DELETE"
                            "/api/v1/timepoints/00000000-0000-0000-0000-000000000000"
                            []
                            None

                    let! b = body api401
                    Expect.equal (int api401.StatusCode) 401 "expired on the API"
                    Expect.stringContains (str b "detail") "expired" "the detail says why"
                })
        }

        testTask "the page script's API calls need the form token beside the session cookie; sign-out ends the session" {
            do!
                withKeys noSettings (fun api -> task {
                    let! jar = signIn api
                    let! token, jar = tokenOf api jar "/"

                    let body () =
                        Some(json """{"query":"battle of hastings"}""")

                    let! (noHeader: HttpResponseMessage), _ =
                        send api jar "POST" "/api/v1/timepoints/generate/sync" [] (body ())

                    Expect.equal noHeader.StatusCode HttpStatusCode.Forbidden "the cookie alone is not enough"

                    let! (withHeader: HttpResponseMessage), _ =
                        send api jar "POST" "/api/v1/timepoints/generate/sync" [ FormToken.header, token ] (body ())

                    Expect.equal withHeader.StatusCode HttpStatusCode.OK "cookie and token header"

                    let! (out: HttpResponseMessage), after =
                        send api jar "POST" "/signout" [] (Some(form [ FormToken.field, token ]))

                    Expect.equal out.StatusCode HttpStatusCode.Found "signed out"
                    Expect.isFalse (after.ContainsKey Session.cookieName) "the cookie is cleared"

                    let! (again: HttpResponseMessage), _ =
                        send
                            api
                            after
                            "POST"
                            "/ui/generate"
                            []
                            (Some(form [ FormToken.field, token; "query", "battle of hastings" ]))

                    Expect.equal again.StatusCode HttpStatusCode.Unauthorized "no session after sign-out"
                })
        }

        testTask "a wrong key on the sign-in page is refused and sets no session" {
            do!
                withKeys noSettings (fun api -> task {
                    let! token, jar = tokenOf api Map.empty "/signin"

                    let! (resp: HttpResponseMessage), jar =
                        send api jar "POST" "/signin" [] (Some(form [ FormToken.field, token; "key", "k1" ]))

                    Expect.equal resp.StatusCode HttpStatusCode.Unauthorized "wrong key"
                    Expect.isFalse (jar.ContainsKey Session.cookieName) "no session"

                    let! (evil: HttpResponseMessage), jar =
                        send
                            api
                            jar
                            "POST"
                            "/signin"
                            [ "Origin", "https://evil.example" ]
                            (Some(form [ FormToken.field, token; "key", key; "next", "//evil.example" ]))

                    Expect.equal evil.StatusCode HttpStatusCode.Forbidden "cross-site sign-in refused"
                    Expect.isFalse (jar.ContainsKey Session.cookieName) "still no session"
                    Expect.equal (SessionHandlers.safeNext "//evil.example") "/" "never redirects off-site"
                })
        }

        testTask "an open server says so, and its forms still need the page's token and the same origin" {
            let! api = startWith [] None

            try
                let! (home: HttpResponseMessage), _ = send api Map.empty "GET" "/" [] None
                let! html = home.Content.ReadAsStringAsync()
                Expect.stringContains html "open-banner" "the open-server banner"
                let! token, jar = tokenOf api Map.empty "/"
                let fields = [ FormToken.field, token; "query", "battle of hastings" ]

                let! (cross: HttpResponseMessage), _ =
                    send api jar "POST" "/ui/generate" [ "Origin", "https://evil.example" ] (Some(form fields))

                Expect.equal cross.StatusCode HttpStatusCode.Forbidden "cross-site refused on an open server too"

                let! (bare: HttpResponseMessage), _ =
                    send api Map.empty "POST" "/ui/generate" [] (Some(form [ "query", "battle of hastings" ]))

                Expect.equal bare.StatusCode HttpStatusCode.Forbidden "no token: refused"
                let! (ok: HttpResponseMessage), _ = send api jar "POST" "/ui/generate" [] (Some(form fields))
                Expect.equal ok.StatusCode HttpStatusCode.Found "the page's own form works"
            finally
                (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
        }
    ]

let private reads = testTask "READS_REQUIRE_KEY and METRICS_REQUIRE_KEY close reads and /metrics, never probes" {
    do!
        withKeys closedReads (fun api -> task {
            let! id, _ = seed api
            let get jar path = send api jar "GET" path [] None

            for path in
                [
                    "/api/v1/timepoints"
                    $"/api/v1/timepoints/{id}"
                    $"/api/v1/timepoints/{id}/image"
                ] do
                let! (resp: HttpResponseMessage), _ = get Map.empty path
                Expect.equal resp.StatusCode HttpStatusCode.Unauthorized $"{path} closed"

            let! (home: HttpResponseMessage), _ = get Map.empty "/?page=1"
            Expect.equal home.StatusCode HttpStatusCode.Found "the UI redirects"
            Expect.equal (string home.Headers.Location) "/signin?next=%2F%3Fpage%3D1" "to sign-in, then back"

            for path in [ "/health"; "/api/v1/health"; "/signin"; Assets.url Assets.script; "/metrics" ] do
                let! (resp: HttpResponseMessage), _ = get Map.empty path
                Expect.equal resp.StatusCode HttpStatusCode.OK $"{path} stays public"

            let! jar = signIn api
            let! (signedIn: HttpResponseMessage), _ = get jar $"/api/v1/timepoints/{id}"
            Expect.equal signedIn.StatusCode HttpStatusCode.OK "a session reads"

            let! (byKey: HttpResponseMessage), _ =
                send api Map.empty "GET" "/" [ "Authorization", $"Bearer {key}" ] None

            Expect.equal byKey.StatusCode HttpStatusCode.OK "a key reads"
        })

    do!
        withKeys closedMetrics (fun api -> task {
            let! (closed: HttpResponseMessage), _ = send api Map.empty "GET" "/metrics" [] None
            Expect.equal closed.StatusCode HttpStatusCode.Unauthorized "METRICS_REQUIRE_KEY closes /metrics"
            let! (keyed: HttpResponseMessage), _ = send api Map.empty "GET" "/metrics" [ "X-API-Key", key ] None
            Expect.equal keyed.StatusCode HttpStatusCode.OK "a key scrapes"
            let! text = keyed.Content.ReadAsStringAsync()
            Expect.stringContains text "tpflash_access_decisions" "access decisions are counted"
            Expect.stringContains text $"key=\"{ApiKey.fingerprint key}\"" "by key fingerprint"
            Expect.isFalse (text.Contains key) "never the key"
        })
}

let private headerChecks (what: string) (resp: HttpResponseMessage) =
    let one (name: string) =
        match resp.Headers.TryGetValues name with
        | true, v -> String.concat ", " v
        | _ -> ""

    let csp = one "Content-Security-Policy"
    let scripts = Regex.Match(csp, "script-src([^;]*)").Groups[1].Value
    Expect.stringContains scripts "'self'" $"{what}: scripts from this origin"
    Expect.isFalse (scripts.Contains "unsafe-inline") $"{what}: no inline scripts"
    Expect.stringContains csp "frame-ancestors 'none'" $"{what}: never framed"
    Expect.equal (one "X-Content-Type-Options") "nosniff" $"{what}: nosniff"
    Expect.equal (one "Referrer-Policy") "same-origin" $"{what}: Referrer-Policy"
    Expect.equal (one "X-Frame-Options") "DENY" $"{what}: X-Frame-Options"

let private headers = testTask "every response carries the security headers; HSTS only over https in production" {
    let! api = startWith [ "ENVIRONMENT", "production"; "FORWARDED_HEADERS", "true" ] None

    try
        let! (seeded: HttpResponseMessage) =
            postJson api.Client "/api/v1/timepoints/generate/sync" """{"query":"rome 50 BCE"}"""

        let! b = body seeded
        let slug = str b "slug"

        for path in
            [
                "/api/v1/timepoints"
                "/"
                $"/t/{slug}"
                Assets.url Assets.script
                Assets.url Assets.styles
                "/nowhere"
                "/health"
            ] do
            let! (resp: HttpResponseMessage), _ = send api Map.empty "GET" path [] None
            headerChecks path resp
            Expect.isFalse (resp.Headers.Contains "Strict-Transport-Security") $"{path}: no HSTS over http"

        let! (asset: HttpResponseMessage), _ = send api Map.empty "GET" (Assets.url Assets.script) [] None
        Expect.equal (string asset.Headers.CacheControl) "public, max-age=31536000, immutable" "assets are cached"
        Expect.equal (string asset.Content.Headers.ContentType) "text/javascript; charset=utf-8" "as JavaScript"
        let! (page: HttpResponseMessage), _ = send api Map.empty "GET" "/" [] None
        let! (html: string) = page.Content.ReadAsStringAsync()
        Expect.isFalse (Regex.IsMatch(html, "<script>|<script [^>]*>[^<]")) "no inline script on the page"
        Expect.isFalse (html.Contains "style=") "no inline style"

        let! (https: HttpResponseMessage), _ =
            send api Map.empty "GET" "/api/v1/timepoints" [ "X-Forwarded-Proto", "https" ] None

        Expect.isTrue (https.Headers.Contains "Strict-Transport-Security") "HSTS over https (behind a proxy)"

        let! (hstsPage: HttpResponseMessage), _ =
            send api Map.empty "GET" "/signin" [ "X-Forwarded-Proto", "https" ] None

        let cookie = hstsPage.Headers.GetValues "Set-Cookie" |> String.concat "\n"
        Expect.stringContains cookie "secure" "cookies are Secure over https"
    finally
        (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
}

let private limits =
    testList "rate policies" [
        testTask "model-starting writes and other requests count against separate policies named in the 429" {
            let! api = startWith [ "RATE_LIMIT", "2"; "READ_RATE_LIMIT", "4" ] None

            try
                let generate () =
                    postJson api.Client "/api/v1/timepoints/generate/sync" """{"query":"rome 50 BCE"}"""

                let! (a: HttpResponseMessage) = generate ()
                let! (b: HttpResponseMessage) = generate ()
                let! (c: HttpResponseMessage) = generate ()
                Expect.equal [ int a.StatusCode; int b.StatusCode; int c.StatusCode ] [ 200; 200; 429 ] "RATE_LIMIT=2"
                Expect.isTrue (c.Headers.Contains "Retry-After") "Retry-After"
                let! p = body c
                Expect.stringContains (str p "detail") "generation (RATE_LIMIT)" "the policy is named"

                let! (statuses: HttpResponseMessage[]) =
                    Task.WhenAll [ for _ in 1..5 -> api.Client.GetAsync "/api/v1/timepoints" ]

                let codes = statuses |> Array.map (fun r -> int r.StatusCode) |> Array.sort
                Expect.equal codes [| 200; 200; 200; 200; 429 |] "reads have their own budget of 4"
                let limited = statuses |> Array.find (fun r -> int r.StatusCode = 429)
                let! q = body limited
                Expect.stringContains (str q "detail") "requests (READ_RATE_LIMIT)" "the read policy is named"
                let! (h: HttpResponseMessage) = api.Client.GetAsync "/health"
                Expect.equal h.StatusCode HttpStatusCode.OK "probes are not limited"
            finally
                (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
        }

        testTask "with keys each key has its own budget" {
            do!
                withKeys oneGeneration (fun api -> task {
                    let gen k =
                        send
                            api
                            Map.empty
                            "POST"
                            "/api/v1/timepoints/generate/sync"
                            [ "X-API-Key", k ]
                            (Some(json """{"query":"rome 50 BCE"}"""))

                    let! (first: HttpResponseMessage), _ = gen key
                    let! (second: HttpResponseMessage), _ = gen key
                    let! (other: HttpResponseMessage), _ = gen "k2-other"

                    Expect.equal
                        [ int first.StatusCode; int second.StatusCode; int other.StatusCode ]
                        [ 200; 429; 200 ]
                        "per key"
                })
        }

        testTask "X-Forwarded-For names the client only with FORWARDED_HEADERS=true" {
            for forwarded, expected in [ "true", [ 200; 429; 200 ]; "false", [ 200; 429; 429 ] ] do
                let! api = startWith [ "READ_RATE_LIMIT", "1"; "FORWARDED_HEADERS", forwarded ] None

                try
                    let get ip =
                        send api Map.empty "GET" "/api/v1/models" [ "X-Forwarded-For", ip ] None

                    let! (a: HttpResponseMessage), _ = get "203.0.113.1"
                    let! (b: HttpResponseMessage), _ = get "203.0.113.1"
                    let! (c: HttpResponseMessage), _ = get "203.0.113.2"

                    Expect.equal
                        [ int a.StatusCode; int b.StatusCode; int c.StatusCode ]
                        expected
                        $"FORWARDED_HEADERS={forwarded}"
                finally
                    (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
        }
    ]

let tests =
    testList "Api security" [ walk; classified; forms; reads; headers; limits ]
    |> testSequenced
