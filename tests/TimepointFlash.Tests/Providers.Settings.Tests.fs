module TimepointFlash.Tests.Providers.Settings

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash.Engines
open TimepointFlash.Tests.Support.ProviderFixtures

let private parseError vars =
    match Settings.parse (lookupOf vars) with
    | Ok _ -> failtest "expected a configuration error"
    | Error e -> SettingsError.describe e

let private models settings id = (Settings.find settings id).Models

/// Bare Google-family model ids ("gemini-…", "gemma-…").
type ModelIdGen =
    static member Ids() =
        gen {
            let! family = Gen.elements [ "gemini"; "gemma" ]
            let! version = Gen.elements [ "2.0"; "2.5"; "3"; "3.1" ]
            let! suffix = Gen.elements [ "flash"; "pro"; "flash-lite"; "pro-preview"; "flash-image-preview" ]
            return $"{family}-{version}-{suffix}"
        }
        |> Arb.fromGen

let private modelConfig = {
    FsCheckConfig.defaultConfig with
        arbitrary = [ typeof<ModelIdGen> ]
}

let private engineTests =
    testList "engine" [
        test "no key at all selects the offline engine" {
            let s = settingsOf []
            Expect.equal s.Engine Engine.Offline "offline"
            Expect.equal (Settings.summary s) "engine=offline (no provider key configured)" "summary"
        }
        test "a Google key alone makes Gemini primary with no fallback" {
            let s = settingsOf [ "GOOGLE_API_KEY", geminiKey ]
            Expect.equal s.Engine (Engine.Remote(ProviderId.Gemini, None)) "gemini only"
        }
        test "both keys make Gemini primary and OpenRouter the fallback" {
            let s =
                settingsOf [ "GOOGLE_API_KEY", geminiKey; "OPENROUTER_API_KEY", openRouterKey ]

            Expect.equal
                s.Engine
                (Engine.Remote(ProviderId.Gemini, Some(Fallback.Provider ProviderId.OpenRouter)))
                "chain"
        }
        test "an OpenRouter key alone makes OpenRouter primary" {
            let s = settingsOf [ "OPENROUTER_API_KEY", openRouterKey ]
            Expect.equal s.Engine (Engine.Remote(ProviderId.OpenRouter, None)) "openrouter"

            Expect.equal
                (Settings.find s ProviderId.OpenRouter).BaseUrl.AbsoluteUri
                "https://openrouter.ai/api/v1"
                "url"
        }
        test "PRIMARY_PROVIDER=google without its key keeps the keyed provider as fallback (fixes B4)" {
            let s =
                settingsOf [ "PRIMARY_PROVIDER", "google"; "OPENROUTER_API_KEY", openRouterKey ]

            Expect.equal
                s.Engine
                (Engine.Remote(ProviderId.Gemini, Some(Fallback.Provider ProviderId.OpenRouter)))
                "fallback kept"
        }
        test "an OPENAI_BASE_URL without a key is a valid local server" {
            let s = settingsOf [ "OPENAI_BASE_URL", "http://localhost:11434/v1/" ]
            let p = Settings.find s ProviderId.OpenAi
            Expect.equal s.Engine (Engine.Remote(ProviderId.OpenAi, None)) "openai primary"
            Expect.isTrue p.Configured "configured"
            Expect.isNone p.Key "no key"
            Expect.equal p.BaseUrl.AbsoluteUri "http://localhost:11434/v1" "trailing slash trimmed"
        }
        test "FALLBACK_PROVIDER=none and =offline are honoured" {
            let vars = [ "GOOGLE_API_KEY", geminiKey; "OPENROUTER_API_KEY", openRouterKey ]
            let none = settingsOf (("FALLBACK_PROVIDER", "none") :: vars)
            let offline = settingsOf (("FALLBACK_PROVIDER", "offline") :: vars)
            Expect.equal none.Engine (Engine.Remote(ProviderId.Gemini, None)) "none"
            Expect.equal offline.Engine (Engine.Remote(ProviderId.Gemini, Some Fallback.Offline)) "offline"
        }
        test "PRIMARY_PROVIDER=offline wins over keys" {
            let s = settingsOf [ "PRIMARY_PROVIDER", "offline"; "GOOGLE_API_KEY", geminiKey ]
            Expect.equal s.Engine Engine.Offline "offline"
        }
        test "timeout and retries default to 60 s and 3" {
            let s = settingsOf [ "GOOGLE_API_KEY", geminiKey ]
            Expect.equal s.Timeout (TimeSpan.FromSeconds 60.0) "timeout"
            Expect.equal s.MaxRetries 3 "retries"
        }
    ]

let private errorTests =
    testList "errors" [
        test "an unknown provider name is one line naming PRIMARY_PROVIDER" {
            let line =
                parseError [ "PRIMARY_PROVIDER", "anthropic"; "GOOGLE_API_KEY", geminiKey ]

            Expect.equal
                line
                "PRIMARY_PROVIDER: unknown provider 'anthropic' (expected gemini, google, openrouter, openai or offline)"
                "line"
        }
        test "a non-numeric timeout names LLM_TIMEOUT_SECONDS" {
            let line = parseError [ "LLM_TIMEOUT_SECONDS", "soon" ]
            Expect.stringStarts line "LLM_TIMEOUT_SECONDS: 'soon'" "names the variable"
            Expect.isFalse (line.Contains '\n') "one line"
        }
        test "retries outside 0..10 name LLM_MAX_RETRIES" {
            Expect.stringStarts (parseError [ "LLM_MAX_RETRIES", "99" ]) "LLM_MAX_RETRIES:" "names the variable"
        }
        test "a malformed base URL names the variable without echoing its value" {
            let line =
                parseError [ "OPENAI_BASE_URL", "ftp://user:fake-openai-key-XYZZY-0003@host" ]

            Expect.equal line "OPENAI_BASE_URL: is not an absolute http(s) URL" "line"
            expectNoKey line
        }
        test "a primary with no key and no fallback is an error naming PRIMARY_PROVIDER" {
            let line = parseError [ "PRIMARY_PROVIDER", "gemini" ]

            Expect.equal
                line
                "PRIMARY_PROVIDER: gemini is selected but GOOGLE_API_KEY is not set and no fallback provider is configured"
                "line"
        }
        test "a fallback naming an unconfigured provider is an error naming FALLBACK_PROVIDER" {
            let line = parseError [ "GOOGLE_API_KEY", geminiKey; "FALLBACK_PROVIDER", "openai" ]

            Expect.equal
                line
                "FALLBACK_PROVIDER: openai is named but neither OPENAI_API_KEY nor OPENAI_BASE_URL is set"
                "line"
        }
        test "a model id with spaces names the model variable" {
            Expect.stringStarts (parseError [ "JUDGE_MODEL", "gemini 2.5" ]) "JUDGE_MODEL:" "names the variable"
        }
    ]

let private modelTests =
    testList "models" [
        test "IMAGE_MODEL google/… is sent to native Gemini without the prefix (fixes B2)" {
            let s =
                settingsOf [
                    "GOOGLE_API_KEY", geminiKey
                    "OPENROUTER_API_KEY", openRouterKey
                    "IMAGE_MODEL", "google/gemini-3-pro-image-preview"
                ]

            Expect.equal (models s ProviderId.Gemini).Image "gemini-3-pro-image-preview" "gemini"
            Expect.equal (models s ProviderId.OpenRouter).Image "google/gemini-3-pro-image-preview" "openrouter"
        }
        test "a native Gemini id gets google/ for OpenRouter" {
            let s =
                settingsOf [ "OPENROUTER_API_KEY", openRouterKey; "CREATIVE_MODEL", "gemini-2.5-pro" ]

            Expect.equal (models s ProviderId.OpenRouter).Creative "google/gemini-2.5-pro" "prefixed"
        }
        test "another vendor's id falls back to Gemini's default on Gemini" {
            let s =
                settingsOf [ "GOOGLE_API_KEY", geminiKey; "JUDGE_MODEL", "anthropic/claude-3.5-sonnet" ]

            Expect.equal (models s ProviderId.Gemini).Judge "gemini-2.5-flash" "default judge"
        }
        test "JUDGE_MODEL and CREATIVE_MODEL are kept apart" {
            let s =
                settingsOf [
                    "GOOGLE_API_KEY", geminiKey
                    "JUDGE_MODEL", "gemini-2.5-flash-lite"
                    "CREATIVE_MODEL", "gemini-2.5-pro"
                ]

            Expect.equal
                (models s ProviderId.Gemini)
                {
                    Judge = "gemini-2.5-flash-lite"
                    Creative = "gemini-2.5-pro"
                    Image = "gemini-3-pro-image-preview"
                }
                "models"
        }
        test "openai/ is stripped for api.openai.com only" {
            Expect.equal (ModelId.forOpenAi (Uri "https://api.openai.com/v1") "openai/gpt-4o") "gpt-4o" "stripped"
            Expect.equal (ModelId.forOpenAi (Uri "http://localhost:1234/v1") "openai/gpt-4o") "openai/gpt-4o" "kept"
        }
        testPropertyWithConfig modelConfig "a bare Google id survives OpenRouter then Gemini translation"
        <| fun (id: string) -> ModelId.forGemini "default" (ModelId.forOpenRouter "default" id) = id
    ]

let private describeTests =
    testList "describe" [
        test "describe and summary report providers and models without keys" {
            let s =
                settingsOf [
                    "GOOGLE_API_KEY", geminiKey
                    "OPENROUTER_API_KEY", openRouterKey
                    "OPENAI_API_KEY", openAiKey
                ]

            let d = Settings.describe s
            Expect.equal d.Primary (Some "gemini") "primary"
            Expect.equal d.Fallback (Some "openrouter") "fallback"
            Expect.equal (d.Providers |> List.map _.Name) [ "gemini"; "openrouter"; "openai" ] "providers"
            expectNoKey (sprintf "%A" d)
            expectNoKey (Settings.summary s)
            expectNoKey (sprintf "%A" s)
        }
        test "describe hides credentials embedded in a base URL" {
            let s =
                settingsOf [
                    "OPENAI_BASE_URL", "http://me:fake-openai-key-XYZZY-0003@localhost:8080/v1?k=1"
                ]

            let url =
                (Settings.describe s).Providers
                |> List.find (fun p -> p.Name = "openai")
                |> _.BaseUrl

            Expect.equal url "http://localhost:8080/v1" "scheme, host, port, path"
        }
    ]

let private dotEnvTests =
    testList "dotenv" [
        test "parseDotEnv reads comments, export and quotes" {
            let env =
                Settings.parseDotEnv "# comment\nexport GOOGLE_API_KEY=\"abc\"\nPRIMARY_PROVIDER = 'gemini'\nBROKEN\n"

            Expect.equal (Map.toList env) [ "GOOGLE_API_KEY", "abc"; "PRIMARY_PROVIDER", "gemini" ] "pairs"
        }
        test "the process environment wins over .env" {
            let lookup =
                Settings.lookupWith
                    (fun n -> if n = "A" then Some "env" else None)
                    (Map.ofList [ "A", "file"; "B", "file" ])

            Expect.equal (lookup "A", lookup "B", lookup "C") (Some "env", Some "file", None) "precedence"
        }
    ]

let tests =
    testList "Providers.Settings" [ engineTests; errorTests; modelTests; describeTests; dotEnvTests ]
