/// Laws of the access model's pure parts: sessions, key matching, forwarded clients, cross-site detection, listen URLs.
module TimepointFlash.Tests.ApiAccess

open System
open System.Net
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash.Api

/// A printable key of 1–40 characters.
type Key = Key of string

type AccessArbitraries =
    static member Key() =
        Gen.elements ([ 'a' .. 'z' ] @ [ 'A' .. 'Z' ] @ [ '0' .. '9' ] @ [ '-'; '_'; '!'; '~' ])
        |> Gen.arrayOfLength 40
        |> Gen.zip (Gen.choose (1, 40))
        |> Gen.map (fun (n, cs) -> Key(String(cs, 0, n)))
        |> Arb.fromGen

let private config = {
    FsCheckConfig.defaultConfig with
        arbitrary = [ typeof<AccessArbitraries> ]
        maxTest = 200
}

let private now = DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)

let private settings keys = {
    Keys = Set.ofList keys
    ReadsRequireKey = false
    MetricsRequireKey = false
    CorsOrigins = [ "https://app.example" ]
}

let sessions =
    testList "sessions" [
        testPropertyWithConfig
            config
            "a session verifies to its key's fingerprint until it expires, and never holds the key"
        <| fun (Key key) (Key other) ->
            let cookie = Session.issue key now
            let keys = Set.ofList [ key; other ]

            Session.verify keys (now.AddHours 11.9) cookie = Ok(ApiKey.fingerprint key)
            && Session.verify keys (now + Session.lifetime) cookie = Error SessionError.Expired
            && (key.Length < 4 || not (cookie.Contains key))

        testPropertyWithConfig config "changing any one character of a session makes it refused"
        <| fun (Key key) (position: NonNegativeInt) ->
            let cookie = Session.issue key now
            let at = position.Get % cookie.Length
            let changed = if cookie[at] = 'A' then 'B' else 'A'
            let forged = cookie.Substring(0, at) + string changed + cookie.Substring(at + 1)
            Result.isError (Session.verify (Set.singleton key) now forged)

        testPropertyWithConfig config "a session signed by a key that is no longer configured is refused"
        <| fun (Key key) (Key other) ->
            key = other
            || Session.verify (Set.singleton other) now (Session.issue key now) = Error SessionError.BadSignature

        test "malformed cookies are refused without an exception" {
            for cookie in [ ""; "v1"; "v1.a.b.c"; "v2.12345678.1.x"; "v1.12345678.notanumber.x"; null ] do
                Expect.isError (Session.verify (Set.singleton "k") now cookie) $"{cookie} refused"
        }
    ]

let keys =
    testList "keys" [
        testPropertyWithConfig config "a key is found exactly when it is configured"
        <| fun (keys: Key list) (Key candidate) ->
            let set = keys |> List.map (fun (Key k) -> k) |> Set.ofList
            ApiKey.find set candidate = (if set.Contains candidate then Some candidate else None)

        testPropertyWithConfig config "a fingerprint is 8 hex digits and differs between keys"
        <| fun (Key a) (Key b) ->
            let fa = ApiKey.fingerprint a

            fa.Length = 8
            && fa |> Seq.forall Uri.IsHexDigit
            && (a = b || fa <> ApiKey.fingerprint b)
    ]

let forwarded =
    testList "forwarded" [
        testPropertyWithConfig config "without FORWARDED_HEADERS the client is the peer whatever X-Forwarded-For says"
        <| fun (header: string) (a: byte) (b: byte) ->
            let peer = Some(IPAddress [| 10uy; 0uy; a; b |])

            Forwarded.client false peer header = peer
            && Forwarded.scheme false "http" header = "http"

        test "with FORWARDED_HEADERS the client is the last X-Forwarded-For hop; the client's own claims are ignored" {
            let peer = Some(IPAddress.Parse "10.0.0.2")
            let client = Forwarded.client true peer "6.6.6.6, 203.0.113.9"
            Expect.equal client (Some(IPAddress.Parse "203.0.113.9")) "the hop the proxy added"
            Expect.equal (Forwarded.client true peer "") peer "no header: the peer"
            Expect.equal (Forwarded.client true peer "not-an-ip") peer "garbage: the peer"
            Expect.equal (Forwarded.scheme true "http" "http, https") "https" "the proxy's scheme"
            Expect.equal (Forwarded.scheme true "http" "gopher") "http" "only http or https"
        }
    ]

let decisions =
    testList "decisions" [
        test "an open server needs no credential for anything; with keys only writes do, unless reads are closed" {
            for access in Access.all do
                Expect.isNone (Access.authorize (settings []) access Caller.Anonymous) $"{access} open"

            let keyed = settings [ "k" ]
            let closed = { keyed with ReadsRequireKey = true }

            let needs s a =
                (Access.authorize s a Caller.Anonymous).IsSome

            Expect.equal
                (Access.all |> List.filter (needs keyed))
                [ Access.Write; Access.ModelWrite ]
                "writes need a key"

            Expect.equal
                (Access.all |> List.filter (needs closed))
                [ Access.Read; Access.Write; Access.ModelWrite ]
                "READS_REQUIRE_KEY closes reads, not probes, sign-in or metrics"

            Expect.isTrue (needs { keyed with MetricsRequireKey = true } Access.Metrics) "METRICS_REQUIRE_KEY"

            for caller in [ Caller.Key "12345678"; Caller.Session "12345678" ] do
                for access in Access.all do
                    Expect.isNone (Access.authorize closed access caller) $"{caller} may {access}"
        }

        test "model-starting writes and sign-in count against RATE_LIMIT; other requests against READ_RATE_LIMIT" {
            Expect.equal (Access.policy Access.ModelWrite) (Some RatePolicy.Generation) "model work"
            Expect.equal (Access.policy Access.SignIn) (Some RatePolicy.Generation) "key guessing"
            Expect.equal (Access.policy Access.Write) (Some RatePolicy.Requests) "delete"
            Expect.equal (Access.policy Access.Read) (Some RatePolicy.Requests) "reads"
            Expect.equal (Access.policy Access.Public) None "probes"
        }

        testPropertyWithConfig
            config
            "a write from this server's own origin is never cross-site; from any other host it is"
        <| fun (Key host) (Key other) (port: PositiveInt) ->
            let s = settings [ "k" ]
            let here = $"http://{host.ToLowerInvariant()}:{port.Get}"
            let elsewhere = $"http://{other.ToLowerInvariant()}x.invalid:{port.Get}"

            not (Access.isCrossSite s here (Some "same-origin") (Some here))
            && not (Access.isCrossSite s here None (Some(here.ToUpperInvariant() + "/")))
            && Access.isCrossSite s here None (Some elsewhere)
            && Access.isCrossSite s here (Some "cross-site") (Some elsewhere)

        test "a request is cross-site by Sec-Fetch-Site or by an Origin that is neither this server nor a CORS origin" {
            let s = settings [ "k" ]
            let here = "http://127.0.0.1:8000"
            let cross = Access.isCrossSite s here
            Expect.isFalse (cross None None) "curl"
            Expect.isFalse (cross (Some "same-origin") (Some here)) "the page itself"
            Expect.isFalse (cross (Some "none") None) "typed by the user"
            Expect.isTrue (cross (Some "cross-site") None) "another site"
            Expect.isTrue (cross (Some "same-site") (Some "http://sub.127.0.0.1:8000")) "a sibling site"
            Expect.isTrue (cross None (Some "https://evil.example")) "another origin"
            Expect.isTrue (cross None (Some "null")) "an opaque origin"
            Expect.isFalse (cross (Some "cross-site") (Some "https://app.example")) "a CORS origin"
        }
    ]

let listen =
    testList "listen" [
        test "--urls wins over ASPNETCORE_URLS, which wins over URLS, which wins over HOST/PORT" {
            let env (pairs: (string * string) list) =
                fun k -> pairs |> List.tryFind (fst >> (=) k) |> Option.map snd

            let all =
                env [ "ASPNETCORE_URLS", "http://127.0.0.1:2"; "URLS", "http://127.0.0.1:3" ]

            let urls args lookup = Listen.urls args lookup "0.0.0.0" 8000
            Expect.equal (urls [ "--urls"; "http://127.0.0.1:1" ] all) (Ok([ "http://127.0.0.1:1" ], "--urls")) "arg"
            Expect.equal (urls [ "--urls=http://127.0.0.1:1" ] all) (Ok([ "http://127.0.0.1:1" ], "--urls")) "arg="
            Expect.equal (urls [] all) (Ok([ "http://127.0.0.1:2" ], "ASPNETCORE_URLS")) "ASPNETCORE_URLS"
            Expect.equal (urls [] (env [ "URLS", "http://127.0.0.1:3" ])) (Ok([ "http://127.0.0.1:3" ], "URLS")) "URLS"
            Expect.equal (urls [] (env [])) (Ok([ "http://0.0.0.0:8000" ], "HOST/PORT")) "HOST/PORT"

            Expect.equal
                (urls [] (env [ "ASPNETCORE_URLS", "http://127.0.0.1:4;https://127.0.0.1:5" ]))
                (Ok([ "http://127.0.0.1:4"; "https://127.0.0.1:5" ], "ASPNETCORE_URLS"))
                "a list"

            Expect.isError (urls [] (env [ "ASPNETCORE_URLS", "127.0.0.1:4" ])) "no scheme"
        }
    ]

let settingsFromEnvironment =
    testList "configuration" [
        test "ASPNETCORE_ENVIRONMENT > DOTNET_ENVIRONMENT > ENVIRONMENT, any case; a bad value names its variable" {
            let read (pairs: (string * string) list) =
                TimepointFlash.Runtime.Config.read (fun k -> pairs |> List.tryFind (fst >> (=) k) |> Option.map snd)

            let environment pairs =
                read pairs |> Result.map (fun c -> c.Environment)

            let all = [
                "ENVIRONMENT", "development"
                "DOTNET_ENVIRONMENT", "Staging"
                "ASPNETCORE_ENVIRONMENT", "Production"
            ]

            Expect.equal (environment all) (Ok "production") "ASPNETCORE_ENVIRONMENT first"
            Expect.equal (environment (List.take 2 all)) (Ok "staging") "then DOTNET_ENVIRONMENT"
            Expect.equal (environment (List.take 1 all)) (Ok "development") "then ENVIRONMENT"

            match read [ "ASPNETCORE_ENVIRONMENT", "Testing" ] with
            | Error e -> Expect.equal e.Variable "ASPNETCORE_ENVIRONMENT" "the variable is named"
            | Ok _ -> failtest "an unknown environment is refused"
        }

        test "the access and limit settings default to an open server with 60 and 1200 requests a minute" {
            match TimepointFlash.Runtime.Config.read (fun _ -> None) with
            | Error e -> failtest (TimepointFlash.Runtime.ConfigError.describe e)
            | Ok c ->
                Expect.equal
                    (c.RateLimit, c.ReadRateLimit, c.ApiKeys, c.ReadsRequireKey, c.MetricsRequireKey, c.ForwardedHeaders)
                    (60, 1200, Set.empty, false, false, false)
                    "defaults"

            match
                TimepointFlash.Runtime.Config.read (fun k -> if k = "READS_REQUIRE_KEY" then Some "maybe" else None)
            with
            | Error e -> Expect.equal e.Variable "READS_REQUIRE_KEY" "a bad flag names its variable"
            | Ok _ -> failtest "a bad flag is refused"

            match TimepointFlash.Runtime.Config.read (fun k -> if k = "CRITIQUE" then Some "maybe" else None) with
            | Error e ->
                Expect.equal (e.Variable, e.Problem) ("CRITIQUE", "must be on or off, got 'maybe'") "a bad step switch"
            | Ok _ -> failtest "a bad step switch is refused at start-up"
        }
    ]

let tests =
    testList "Api access model" [ sessions; keys; forwarded; decisions; listen; settingsFromEnvironment ]
