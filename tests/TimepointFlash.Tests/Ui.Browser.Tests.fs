/// The web UI driven by Playwright in Debian's Chromium against a real Kestrel server on a loopback port.
module TimepointFlash.Tests.UiBrowser

open System
open System.IO
open System.Net.Http
open System.Runtime.ExceptionServices
open System.Text.RegularExpressions
open System.Threading.Tasks
open Expecto
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Hosting
open Microsoft.Extensions.Logging
open Microsoft.Playwright
open TimepointFlash
open TimepointFlash.Api
open TimepointFlash.Runtime
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.ApiHost

/// Debian's Chromium (scripts/test.sh installs it when missing).
let private chromium = "/usr/bin/chromium"

let private chromiumArgs = [|
    "--headless"
    "--no-sandbox"
    "--disable-gpu"
    "--disable-background-networking"
    "--disable-component-update"
    "--disable-sync"
    "--no-first-run"
    "--disable-quic"
|]

/// The repository root (where TimepointFlash.sln lives), found from the test binary's folder.
let private repoRoot () =
    let rec up (dir: DirectoryInfo) =
        if isNull dir then
            None
        elif File.Exists(Path.Combine(dir.FullName, "TimepointFlash.sln")) then
            Some dir.FullName
        else
            up dir.Parent

    up (DirectoryInfo AppContext.BaseDirectory)

/// Where artifacts of the browser tests go: artifacts/test (the test script's log folder).
let private artifactDir () =
    let root = repoRoot () |> Option.defaultValue (Directory.GetCurrentDirectory())
    let dir = Path.Combine(root, "artifacts", "test")
    Directory.CreateDirectory dir |> ignore
    dir

/// A real Kestrel server (SQLite, offline engine) on a free loopback port, and a launched browser.
type private Env = {
    Api: TestApi
    Base: string
    Browser: IBrowser
}

let private startServer (vars: (string * string) list) (tune: Services -> Services) : Task<TestApi * string> = task {
    let file = tempDb ()

    let map =
        Map.ofList (
            [
                "DATABASE_URL", $"sqlite:///{file}"
                "RATE_LIMIT", "0"
                "READ_RATE_LIMIT", "0"
            ]
            @ vars
        )

    match Config.read (fun k -> map.TryFind k) with
    | Error e -> return failwith (ConfigError.describe e)
    | Ok config ->
        match! Runtime.startWith config None ignore (fun _ -> Task.CompletedTask) with
        | Error e -> return failwith (Runtime.describe e)
        | Ok started ->
            let services = tune started

            let app =
                Server.build services (Server.options config) true (fun b ->
                    b.WebHost.UseUrls("http://127.0.0.1:0") |> ignore
                    b.Logging.ClearProviders() |> ignore)

            do! app.StartAsync()
            let address = app.Urls |> Seq.head
            let client = new HttpClient(BaseAddress = Uri address)

            let api = {
                Client = client
                Services = services
                App = app
                DbFile = Some file
            }

            return api, address
}

/// How long one browser test may take before it fails instead of hanging the suite.
let private limit = TimeSpan.FromSeconds 120.0

/// Runs a test against a fresh server (with extra settings and its services tuned) and browser, then stops both
/// and rethrows.
let private withTunedEnv (vars: (string * string) list) (tune: Services -> Services) (f: Env -> Task<unit>) = task {
    let! api, address = startServer vars tune
    let! playwright = Playwright.CreateAsync()

    let! browser =
        playwright.Chromium.LaunchAsync(
            BrowserTypeLaunchOptions(ExecutablePath = chromium, Args = chromiumArgs, Headless = true)
        )

    let env = {
        Api = api
        Base = address
        Browser = browser
    }

    let! failure = task {
        try
            let work = f env
            let! first = Task.WhenAny(work, Task.Delay limit)

            if obj.ReferenceEquals(first, work) then
                do! work
                return None
            else
                return Some(TimeoutException $"the browser test took longer than {limit}" :> exn)
        with e ->
            return Some e
    }

    do! browser.CloseAsync()
    playwright.Dispose()
    do! (api :> IAsyncDisposable).DisposeAsync()

    match failure with
    | Some e -> ExceptionDispatchInfo.Capture(e).Throw()
    | None -> ()
}

/// Runs a test against a fresh server (with extra settings) and browser, then stops both and rethrows.
let private withEnvVars (vars: (string * string) list) (f: Env -> Task<unit>) = withTunedEnv vars id f

/// Runs a test against a fresh open server and browser, then stops both (awaiting every cleanup) and rethrows.
let private withEnv (f: Env -> Task<unit>) = withEnvVars [] f

/// The offline engine's streamed chat slowed to a word every 40 ms, so the page can be seen while it grows.
let private slowChat (s: Services) =
    let stream = s.Interact.Stream

    let slow: StreamLlm =
        fun call onText ct ->
            stream
                call
                (fun word ->
                    task {
                        do! Task.Delay(40, ct)
                        do! onText word
                    }
                    :> Task)
                ct

    {
        s with
            Interact = { s.Interact with Stream = slow }
    }

/// A new page in a new context; `javascript` false gives a browser without scripts.
let private newPage (env: Env) (javascript: bool) (width: int) = task {
    let! context =
        env.Browser.NewContextAsync(
            BrowserNewContextOptions(
                BaseURL = env.Base,
                JavaScriptEnabled = javascript,
                ViewportSize = ViewportSize(Width = width, Height = 900)
            )
        )

    context.SetDefaultTimeout 30000.0f
    let! page = context.NewPageAsync()
    return page
}

let private waitForOtherUrl (page: IPage) =
    let from = page.Url
    page.WaitForURLAsync(Func<string, bool>(fun u -> u <> from && u.Contains "/t/"))

let private text (page: IPage) (selector: string) = page.Locator(selector).InnerTextAsync()

let private count (page: IPage) (selector: string) = page.Locator(selector).CountAsync()

let private expectSome (page: IPage) (selector: string) = task {
    let! n = count page selector
    Expect.isGreaterThan n 0 $"{selector} is present"
}

/// Generates through the home page form with JavaScript: progress appears, then the scene opens.
let private generateLive (page: IPage) (query: string) = task {
    let! _ = page.GotoAsync "/"
    do! page.Locator("#query").FillAsync query
    do! page.Locator("#query").PressAsync "Enter"
    do! page.Locator("#progress li.done").First.WaitForAsync()
    let! _ = page.WaitForURLAsync(Regex "/t/[^/]+$")
    return ()
}

let private sectionsPresent (page: IPage) = task {
    let! heading = text page "#when-where"
    Expect.stringContains heading "BCE" "the date in words"
    Expect.stringContains heading "Rome" "the place"
    let parts = heading.Split " · "
    Expect.isGreaterThan parts.Length 2 "date · place · era"

    let! loaded =
        page.EvaluateAsync<bool>(
            "() => { const i = document.querySelector('#image img'); return i.complete && i.naturalWidth > 0; }"
        )

    Expect.isTrue loaded "the image or scene card loads"

    let sections = [
        "#setting"
        "#characters"
        "#dialog"
        "#review"
        "#moment"
        "#graph"
        "#camera"
        "#steps"
    ]

    for section in sections @ [ "#sequence" ] do
        do! expectSome page section

    do! expectSome page "#setting .senses li"
    let! review = text page "#review"
    Expect.stringContains review "historical review" "the review says what it found"
    let! atmosphere = text page "#setting"
    Expect.stringContains atmosphere "Atmosphere" "atmosphere"
    let! characters = count page "#characters .character"
    Expect.isGreaterThan characters 0 "character cards"
    let! roles = count page "#characters .character .role"
    Expect.equal roles characters "every card has a role"
    let! clothing = text page "#characters"
    Expect.stringContains clothing "Clothing" "clothing"
    Expect.stringContains clothing "Action" "action"
    do! expectSome page "#dialog .speaker"
    let! momentText = text page "#moment"
    Expect.stringContains momentText "Stakes" "stakes"
    Expect.stringContains momentText "Tension" "tension"
    let! nodes = count page "#graph svg circle"
    Expect.equal nodes characters "one node per character"
    do! expectSome page "#graph svg line.edge"
    do! expectSome page "#graph .legend li"
    let! steps = count page "#steps tbody tr"
    Expect.isGreaterThan steps 5 "per-step rows"
    let! stepsText = text page "#steps"
    Expect.stringContains stepsText "ms" "timings"
    Expect.stringContains stepsText "timepoint-offline" "models"
    do! expectSome page "#travel-form select#unit option"
}

let private generateAndRead = testTask "live progress while generating, then the scene opens with every section" {
    do!
        withEnv (fun env -> task {
            let! page = newPage env true 1100
            let! _ = page.GotoAsync "/"
            let! banner = page.Locator("#offline-banner").IsVisibleAsync()
            Expect.isTrue banner "the offline banner is shown"
            do! page.Locator("#query").FillAsync "assassination of Julius Caesar"
            do! page.Locator("#query").PressAsync "Enter"
            do! page.Locator("#progress li.done").First.WaitForAsync()
            let! progress = text page "#progress"
            Expect.stringContains progress "judge" "a completed step is listed while generating"
            let! _ = page.WaitForURLAsync(Regex "/t/[^/]+$")
            let! title = text page "h1"
            Expect.equal title "assassination of Julius Caesar" "the scene opened"
            do! sectionsPresent page

            let! _ =
                page.ScreenshotAsync(
                    PageScreenshotOptions(Path = Path.Combine(artifactDir (), "scene.png"), FullPage = true)
                )

            let! href = page.Locator("#download-json").GetAttributeAsync "href"
            let! json = page.APIRequest.GetAsync href
            let! body = json.TextAsync()
            Expect.equal json.Status 200 "the JSON download is served"
            Expect.stringContains body "\"slug\"" "the JSON carries the timepoint"
        })
}

let private wrightDunes = testTask "the Wright brothers' scene shows dunes, not towers, and no anachronism note" {
    do!
        withEnv (fun env -> task {
            let! page = newPage env true 1100
            do! generateLive page "wright brothers first flight 1903"
            let! setting = text page "#setting"
            Expect.stringContains setting "sand dunes" "curated scenery"
            Expect.isFalse (setting.Contains "skyscrapers") "no towers"
            let! notes = count page "#anachronisms"
            Expect.equal notes 0 "nothing out of its time"
            let! src = page.Locator("#image img").GetAttributeAsync "src"
            let! card = page.APIRequest.GetAsync src
            let! svg = card.TextAsync()
            Expect.stringContains svg "place-dunes" "the card draws dunes"
            Expect.isFalse (svg.Contains "place-street") "not a city street"

            let! _ =
                page.ScreenshotAsync(
                    PageScreenshotOptions(Path = Path.Combine(artifactDir (), "wright-brothers.png"), FullPage = false)
                )

            ()
        })
}

let private travel = testTask "travel next and prior shows progress; the sequence strip links scenes in time order" {
    do!
        withEnv (fun env -> task {
            let! page = newPage env true 1100
            do! generateLive page "assassination of Julius Caesar"
            let origin = page.Url
            do! page.Locator("#units").FillAsync "2"
            let! _ = page.Locator("#unit").SelectOptionAsync "day"
            let waitNext = waitForOtherUrl page
            do! page.Locator("#travel-form button[value=next]").ClickAsync()
            do! page.Locator("#travel-progress li").First.WaitForAsync()
            let! progress = text page "#travel-progress"
            Expect.stringContains progress "Travelling 2 day(s) forward" "travel progress is shown"
            let! _ = waitNext
            let nextUrl = page.Url
            let! strip = page.Locator("#sequence a").GetAttributeAsync "href"
            Expect.isTrue (origin.EndsWith strip) "the strip links back to the origin"
            let! _ = page.Locator("#sequence a").ClickAsync()
            let! _ = page.WaitForURLAsync origin
            let waitPrior = waitForOtherUrl page
            do! page.Locator("#travel-form button[value=prior]").ClickAsync()
            let! _ = waitPrior

            let! hrefs =
                page.Locator("#sequence a").EvaluateAllAsync<string[]>("els => els.map(e => e.getAttribute('href'))")

            Expect.equal hrefs.Length 2 "the earliest scene links to the two later ones"
            Expect.isTrue (origin.EndsWith hrefs[0]) "the origin comes first after the prior scene"
            Expect.isTrue (nextUrl.EndsWith hrefs[1]) "the later scene comes last"

            let! hereFirst =
                page.EvaluateAsync<bool>(
                    "() => document.querySelector('#sequence [aria-current]').compareDocumentPosition(document.querySelector('#sequence a')) === Node.DOCUMENT_POSITION_FOLLOWING"
                )

            Expect.isTrue hereFirst "the current (earliest) scene is drawn before the later ones"
            let! _ = page.Locator("#sequence a").Last.ClickAsync()
            let! _ = page.WaitForURLAsync nextUrl
            return ()
        })
}

let private delete = testTask "deleting a scene asks for confirmation, returns home and removes it" {
    do!
        withEnv (fun env -> task {
            let! page = newPage env true 1100
            page.Dialog.Add(fun d -> d.AcceptAsync() |> ignore)
            do! generateLive page "the coronation of Charlemagne"
            let scene = page.Url
            do! page.Locator("#delete-form button").ClickAsync()
            let! _ = page.WaitForURLAsync(Regex "/$")
            let! recent = text page "#recent"
            Expect.isFalse (recent.Contains "coronation of Charlemagne") "the scene is no longer listed"
            let! gone = page.GotoAsync scene
            Expect.equal gone.Status 404 "the scene page is gone"
        })
}

let private noJavaScript = testTask "without JavaScript the forms generate, travel, search and page" {
    do!
        withEnv (fun env -> task {
            for i in 1..12 do
                let! r =
                    postJson
                        env.Api.Client
                        "/api/v1/timepoints/generate/sync"
                        (sprintf "{\"query\":\"market day in Pompeii number %d\"}" i)

                Expect.isTrue r.IsSuccessStatusCode "seeded a scene"

            let! page = newPage env false 1100
            let! _ = page.GotoAsync "/"
            do! page.Locator("#query").FillAsync "assassination of Julius Caesar"
            do! page.Locator("#generate-form button[type=submit]").ClickAsync()
            let! _ = page.WaitForURLAsync(Regex "/t/[^/]+$")
            do! sectionsPresent page
            let origin = page.Url
            do! page.Locator("#travel-form button[value=next]").ClickAsync()
            let! _ = page.WaitForURLAsync(Func<string, bool>(fun u -> u <> origin))
            do! page.Locator("#sequence a").ClickAsync()
            let! _ = page.WaitForURLAsync origin
            let! _ = page.GotoAsync "/"
            let! older = count page "nav.pager a[rel=next]"
            Expect.equal older 1 "14 scenes take two pages"
            do! page.Locator("nav.pager a[rel=next]").ClickAsync()
            let! _ = page.WaitForURLAsync(Regex "page=2")
            let! second = count page "#recent .card"
            Expect.equal second 2 "the second page holds the rest"
            let! _ = page.GotoAsync "/"
            do! page.Locator("#search").FillAsync "Pompeii number 7"
            do! page.Locator("form[role=search] button").ClickAsync()
            let! _ = page.WaitForURLAsync(Regex "q=")
            let! found = text page "#recent"
            Expect.stringContains found "Pompeii number 7" "search finds the scene"
            Expect.isFalse (found.Contains "Julius Caesar") "search leaves others out"
        })
}

let private escaping = testTask "a generated string containing <script> renders as text and never runs" {
    do!
        withEnv (fun env -> task {
            let! page = newPage env true 1100
            let fired = ref false

            page.Dialog.Add(fun d ->
                fired.Value <- true
                d.DismissAsync() |> ignore)

            let query = "Julius Caesar <script>alert(1)</script>"
            do! generateLive page query
            let! title = text page "h1"
            Expect.equal title query "the markup is shown as text"
            let! atmosphere = text page "#setting"
            Expect.stringContains atmosphere "<script>alert(1)</script>" "generated prose echoes it as text"

            let! injected =
                page.EvaluateAsync<bool>(
                    "() => Array.from(document.scripts).some(s => s.textContent.includes('alert(1)'))"
                )

            Expect.isFalse injected "no script element carries the generated markup"
            let! _ = page.GotoAsync "/"
            let! listed = text page "#recent"
            Expect.stringContains listed "<script>alert(1)</script>" "the listing shows it as text"
            do! page.WaitForTimeoutAsync 300.0f
            Expect.isFalse fired.Value "no alert dialog ever opened"
        })
}

let private phone = testTask "at phone width the home and scene pages fit without sideways scrolling" {
    do!
        withEnv (fun env -> task {
            let! page = newPage env true 375
            do! generateLive page "signing of the declaration of independence"

            let fits () =
                page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth")

            let! sceneFits = fits ()
            Expect.isTrue sceneFits "the scene page fits a phone"
            let! box = page.Locator("#travel-form button[value=next]").BoundingBoxAsync()
            Expect.isLessThanOrEqual (float box.X + float box.Width) 375.0 "travel buttons are reachable"
            let! _ = page.GotoAsync "/"
            let! homeFits = fits ()
            Expect.isTrue homeFits "the home page fits a phone"
        })
}

let private signInAndGenerate = testTask "with API_KEYS the browser signs in, generates and signs out" {
    let keys = [ "API_KEYS", "browser-key-1" ]

    do!
        withEnvVars keys (fun env -> task {
            let! page = newPage env true 1100
            let violations = ResizeArray<string>()

            page.Console.Add(fun m ->
                if m.Text.Contains "Content Security Policy" then
                    violations.Add m.Text)

            let! _ = page.GotoAsync "/"
            let! openBanner = count page "#open-banner"
            Expect.equal openBanner 0 "no open-server banner with keys"
            do! page.Locator("#query").FillAsync "assassination of Julius Caesar"
            do! page.Locator("#query").PressAsync "Enter"
            do! page.Locator("#progress li.failed").First.WaitForAsync()
            let! refused = text page "#progress"
            Expect.stringContains refused "/signin" "without a session the API refuses and the page says why"
            do! page.Locator("#signin-link").ClickAsync()
            let! _ = page.WaitForURLAsync(Regex "/signin")
            do! page.Locator("#key").FillAsync "wrong-key"
            do! page.Locator("#signin-form button").ClickAsync()
            let! wrong = text page "#form-error"
            Expect.stringContains wrong "not accepted" "a wrong key is refused"
            do! page.Locator("#key").FillAsync "browser-key-1"
            do! page.Locator("#signin-form button").ClickAsync()
            let! _ = page.WaitForURLAsync(Regex "/$")
            let! cookies = page.Context.CookiesAsync()
            let session = cookies |> Seq.find (fun c -> c.Name = Session.cookieName)
            Expect.isTrue session.HttpOnly "HttpOnly"
            Expect.equal session.SameSite SameSiteAttribute.Strict "SameSite=Strict"
            Expect.isFalse (session.Value.Contains "browser-key-1") "the cookie is not the key"
            do! generateLive page "assassination of Julius Caesar"
            let! title = text page "h1"
            Expect.equal title "assassination of Julius Caesar" "generated while signed in"
            Expect.isEmpty violations "no Content-Security-Policy violations"
            do! page.Locator("#signout-form button").ClickAsync()
            let! _ = page.WaitForURLAsync(Regex "/$")
            let! signInAgain = count page "#signin-link"
            Expect.equal signInAgain 1 "signed out"
        })
}

/// Chats on the scene page with JavaScript: the answer grows in the log while it streams, the address keeps the
/// session, a second message continues it, and a reload shows the stored history.
let private chatStreams (page: IPage) = task {
    let violations = ResizeArray<string>()

    page.Console.Add(fun m ->
        if m.Text.Contains "Content Security Policy" then
            violations.Add m.Text)

    let posted = ResizeArray<string>()

    page.Request.Add(fun r ->
        if r.Method = "POST" then
            posted.Add r.Url)

    do! generateLive page "signing of the declaration of independence"
    let scene = page.Url
    let! _ = page.Locator("#chat-character").SelectOptionAsync "John Adams"
    do! page.Locator("#chat-message").FillAsync "What are you signing today?"
    do! page.Locator("#chat-form button[type=submit]").ClickAsync()
    let streaming = page.Locator "#chat-log li.chat-character.streaming"
    do! streaming.WaitForAsync()

    // The shown answer's length, or -1 once it is no longer streaming.
    let lengthOf () =
        page.EvaluateAsync<int>(
            "() => { const li = document.querySelector('#chat-log li.chat-character.streaming'); return li ? li.lastChild.data.trim().length : -1; }"
        )

    let! _ =
        page.WaitForFunctionAsync(
            "() => { const li = document.querySelector('#chat-log li.streaming'); return li && li.lastChild.data.trim().length > 0; }"
        )

    let! early = lengthOf ()

    let! _ =
        page.WaitForFunctionAsync(
            "n => document.querySelector('#chat-log li.chat-character').lastChild.data.trim().length > n",
            early
        )

    Expect.isGreaterThan early 0 "part of the answer is shown while it is still streaming"
    do! page.Locator("#chat-log li.chat-character:not(.streaming)").WaitForAsync()
    let! answer = text page "#chat-log li.chat-character"
    Expect.stringContains answer "John Adams" "the speaker is named"
    Expect.stringContains answer "1776" "the answer knows the scene's date"
    let! sent = page.Locator("#chat-message").InputValueAsync()
    Expect.equal sent "" "the message box is cleared once answered"
    Expect.stringContains page.Url "session=" "the address keeps the session"
    Expect.isFalse (posted |> Seq.exists (fun u -> u.EndsWith "/chat")) "no form post: the answer streamed"
    do! page.Locator("#chat-message").FillAsync "Who signs first?"
    do! page.Locator("#chat-form button[type=submit]").ClickAsync()
    do! page.Locator("#chat-log li.chat-character:not(.streaming)").Nth(1).WaitForAsync()
    let! _ = page.ReloadAsync()
    let! stored = count page "#chat-log li"
    Expect.equal stored 4 "the reloaded page shows both questions and both answers"
    let! history = text page "#chat-log"
    Expect.stringContains history "What are you signing today?" "the first question was stored"
    Expect.stringContains history "Who signs first?" "the second question joined the same session"
    Expect.isTrue (page.Url.StartsWith scene) "still the scene page"
    Expect.isEmpty violations "no Content-Security-Policy violations"
}

let private chat = testTask "chatting on the scene page streams the answer into the log and keeps the session" {
    do!
        withTunedEnv [] slowChat (fun env -> task {
            let! page = newPage env true 1100
            do! chatStreams page
        })
}

let private chatSignedIn = testTask "with API_KEYS a signed-in browser chats through its session and page token" {
    do!
        withTunedEnv [ "API_KEYS", "browser-key-2" ] slowChat (fun env -> task {
            let! page = newPage env true 1100
            let! _ = page.GotoAsync "/signin"
            do! page.Locator("#key").FillAsync "browser-key-2"
            do! page.Locator("#signin-form button").ClickAsync()
            let! _ = page.WaitForURLAsync(Regex "/$")
            do! chatStreams page
            let! html = page.ContentAsync()
            Expect.isFalse (html.Contains "browser-key-2") "the key is never in the page"
        })
}

let private chatFallsBack = testTask "when the stream is refused the chat form posts and the answer still appears" {
    do!
        withEnv (fun env -> task {
            let! page = newPage env true 1100
            do! generateLive page "signing of the declaration of independence"

            let! _ =
                page.RouteAsync(
                    "**/chat/stream",
                    Func<IRoute, Task>(fun route ->
                        route.FulfillAsync(RouteFulfillOptions(Status = 503, Body = "down")))
                )

            let! _ = page.Locator("#chat-character").SelectOptionAsync "Benjamin Franklin"
            do! page.Locator("#chat-message").FillAsync "Is the ink dry?"
            do! page.Locator("#chat-form button[type=submit]").ClickAsync()
            let! _ = page.WaitForURLAsync(Regex "session=")
            let! history = text page "#chat-log"
            Expect.stringContains history "Is the ink dry?" "the form post stored the question"
            Expect.stringContains history "Benjamin Franklin" "and the answer"
        })
}

let private extendStreams = testTask "extending the dialog streams the new lines into the page and a reload keeps them" {
    do!
        withEnv (fun env -> task {
            let! page = newPage env true 1100
            let posted = ResizeArray<string>()

            page.Request.Add(fun r ->
                if r.Method = "POST" then
                    posted.Add r.Url)

            do! generateLive page "assassination of Julius Caesar"
            let lines = "#dialog p:not(.meta)"
            let! before = count page lines
            do! page.Locator("#num-lines").FillAsync "2"
            do! page.Locator("#extend-form button[type=submit]").ClickAsync()
            do! page.Locator("#dialog p.added").Nth(1).WaitForAsync()
            do! page.Locator("#extend-form[aria-busy=false]").WaitForAsync()
            let! speaker = page.Locator("#dialog p.added .speaker").First.InnerTextAsync()
            Expect.isNotEmpty speaker "each new line names its speaker"
            Expect.isFalse (posted |> Seq.exists (fun u -> u.EndsWith "/dialog")) "no form post: the lines streamed"
            let! _ = page.ReloadAsync()
            let! after = count page lines
            Expect.equal after (before + 2) "the two lines were saved with the scene"
        })
}

let private surveyStreams = testTask "a survey's answers appear under its form as they stream, then the summary" {
    do!
        withEnv (fun env -> task {
            let! page = newPage env true 1100
            let posted = ResizeArray<string>()

            page.Request.Add(fun r ->
                if r.Method = "POST" then
                    posted.Add r.Url)

            do! generateLive page "signing of the declaration of independence"
            let scene = page.Url
            do! page.Locator("#survey-questions").FillAsync "What do you fear?\nWho do you trust?"
            do! page.Locator("#survey-c0").CheckAsync()
            do! page.Locator("#survey-c1").CheckAsync()
            do! page.Locator("#survey-form button[type=submit]").ClickAsync()
            do! page.Locator("#survey-form[aria-busy=false]").WaitForAsync()
            let! answers = count page "#survey-live li.survey-answer"
            Expect.equal answers 4 "two questions to two characters"
            let! live = text page "#survey-live"
            Expect.stringContains live "What do you fear?" "each answer names its question"
            let! summaries = count page "#survey-live li.survey-summary"
            Expect.equal summaries 1 "then the summary"
            Expect.equal page.Url scene "the page stayed"
            Expect.isFalse (posted |> Seq.exists (fun u -> u.EndsWith "/survey")) "no form post: the answers streamed"
        })
}

/// The browser suite runs one test at a time (each with its own server and browser).
let tests =
    testList "UiBrowser" [
        generateAndRead
        signInAndGenerate
        wrightDunes
        travel
        delete
        noJavaScript
        escaping
        phone
        chat
        chatSignedIn
        chatFallsBack
        extendStreams
        surveyStreams
    ]
    |> testSequenced
