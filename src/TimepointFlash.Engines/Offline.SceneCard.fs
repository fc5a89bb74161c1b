namespace TimepointFlash.Engines.Offline

open System.Text
open TimepointFlash

/// What the scene card shows.
type SceneCardInput = {
    Title: string
    /// "July 4, 1776 CE (afternoon)"-style line.
    DateLine: string
    Location: string
    Year: int
    Era: string option
    Region: string option
    TimeOfDay: TimeOfDay option
    Characters: (string * CharacterRole) list
}

/// A composed 1024×576 SVG scene card: sky and ground from the era palette and time of day, silhouettes placed by
/// role, title, date/place line and era. Deterministic; all text is XML-escaped.
[<RequireQualifiedAccess>]
module SceneCard =
    /// Card width in pixels.
    let width = 1024

    /// Card height in pixels.
    let height = 576

    /// MIME type of the card.
    let mime = "image/svg+xml"

    /// Escapes text for XML content and attributes, dropping characters XML 1.0 cannot carry.
    let escape (s: string) =
        let sb = StringBuilder()
        let s = if isNull s then "" else s
        let mutable i = 0

        while i < s.Length do
            let c = s[i]

            if
                System.Char.IsHighSurrogate c
                && i + 1 < s.Length
                && System.Char.IsLowSurrogate s[i + 1]
            then
                sb.Append(c).Append(s[i + 1]) |> ignore
                i <- i + 1
            else
                match c with
                | '<' -> sb.Append "&lt;" |> ignore
                | '>' -> sb.Append "&gt;" |> ignore
                | '&' -> sb.Append "&amp;" |> ignore
                | '"' -> sb.Append "&quot;" |> ignore
                | '\'' -> sb.Append "&apos;" |> ignore
                | '\t'
                | '\n'
                | '\r' -> sb.Append ' ' |> ignore
                | c when c < ' ' || System.Char.IsSurrogate c || c = '\uFFFE' || c = '\uFFFF' -> ()
                | c -> sb.Append c |> ignore

            i <- i + 1

        sb.ToString()

    let private sky =
        function
        | Some TimeOfDay.Dawn -> "#2b3a67", "#f4a261", "#ffd8a8", 180, 330
        | Some TimeOfDay.Morning -> "#4f86c6", "#dbe9f6", "#fff4d6", 260, 170
        | Some TimeOfDay.Midday -> "#2f73b8", "#cfe2f3", "#fffbe8", 512, 90
        | Some TimeOfDay.Afternoon -> "#4a7fb8", "#f6d7a7", "#fff0c8", 760, 160
        | Some TimeOfDay.Evening -> "#3a3f6b", "#f28c38", "#ffc170", 840, 300
        | Some TimeOfDay.Dusk -> "#1f2547", "#c0504d", "#ff9a6a", 880, 350
        | Some TimeOfDay.Night
        | Some TimeOfDay.Midnight -> "#0b1026", "#27325a", "#e8ecf5", 800, 110
        | None -> "#5b8fc7", "#e3eef9", "#fff8e0", 620, 140

    let private hue (profile: Profile) i fallback =
        profile.Hues
        |> List.tryItem i
        |> Option.filter (fun h ->
            h.Length = 7
            && h[0] = '#'
            && h |> Seq.skip 1 |> Seq.forall System.Uri.IsHexDigit)
        |> Option.defaultValue fallback

    let private skyline (seed: uint32) (color: string) =
        let sb = StringBuilder()
        let mutable x = 0
        let mutable i = 0

        while x < width do
            let w = 40 + int ((seed >>> (i % 24)) % 90u)
            let h = 30 + int (((seed * uint32 (i + 7)) >>> 5) % 120u)

            sb.Append(
                $"<rect x=\"{x}\" y=\"{380 - h}\" width=\"{w}\" height=\"{h}\" fill=\"{color}\" opacity=\"0.55\"/>"
            )
            |> ignore

            if i % 3 = 1 then
                let cx = x + w / 2

                sb.Append(
                    $"<polygon points=\"{x},{380 - h} {cx},{380 - h - 28} {x + w},{380 - h}\" fill=\"{color}\" opacity=\"0.55\"/>"
                )
                |> ignore

            x <- x + w + int ((seed >>> ((i + 3) % 24)) % 30u)
            i <- i + 1

        sb.ToString()

    // Keywords of a location that tell what kind of place it is, most specific first.
    let private placeWords = [
        "dunes", [ "dune"; "dunes"; "beach"; "shore"; "sands" ]
        "forum", [ "forum"; "agora" ]
        "harbour", [ "harbour"; "harbor"; "wharf"; "quay"; "docks"; "port" ]
        "hall",
        [
            "hall"
            "palace"
            "basilica"
            "church"
            "cathedral"
            "room"
            "chamber"
            "curia"
            "workshop"
            "salon"
            "court"
            "tomb"
            "observatory"
        ]
        "battlefield", [ "battle"; "battlefield"; "plain"; "ridge"; "pass"; "camp" ]
        "street", [ "street"; "square"; "boulevard"; "avenue"; "market"; "bazaar"; "city" ]
    ]

    /// The kind of place a scene card draws: the curated moment's own (at its place), else read from the location,
    /// else a street from 1800 on and countryside before.
    let placeKind (title: string) (location: string) (year: int) =
        let curated =
            (Query.analyse title).Known
            |> Option.filter (fun m -> m.Place = location)
            |> Option.bind (fun m -> m.Scenery)
            |> Option.bind (fun s -> s.Kind)

        let words = Text.words location

        curated
        |> Option.orElse (
            placeWords
            |> List.tryFind (fun (_, keys) -> keys |> List.exists (fun k -> List.contains k words))
            |> Option.map fst
        )
        |> Option.defaultValue (if year >= 1800 then "street" else "countryside")

    let private backdrop (kind: string) (seed: uint32) (stone: string) (accent: string) (ground: string) =
        let group (body: string) = $"<g class=\"place-{kind}\">{body}</g>"

        match kind with
        | "dunes" ->
            group (
                String.concat "" [
                    "<rect x=\"0\" y=\"330\" width=\"1024\" height=\"60\" fill=\"#5d7f95\"/>"
                    $"<path d=\"M0,392 Q180,300 360,372 T720,352 T1024,340 L1024,400 L0,400 Z\" fill=\"{ground}\"/>"
                    $"<path d=\"M0,400 Q260,338 520,388 T1024,372 L1024,410 L0,410 Z\" fill=\"{stone}\" opacity=\"0.6\"/>"
                    "<rect x=\"760\" y=\"318\" width=\"70\" height=\"34\" fill=\"#6b5a45\"/>"
                    "<polygon points=\"752,318 795,300 838,318\" fill=\"#4d4032\"/>"
                ]
            )
        | "forum" ->
            let columns =
                [ 0..11 ]
                |> List.map (fun i ->
                    $"<rect x=\"{60 + i * 80}\" y=\"250\" width=\"20\" height=\"130\" fill=\"{stone}\"/>")
                |> String.concat ""

            group (
                columns
                + $"<rect x=\"40\" y=\"236\" width=\"944\" height=\"16\" fill=\"{stone}\"/>"
                + $"<polygon points=\"380,236 512,180 644,236\" fill=\"{accent}\" opacity=\"0.8\"/>"
            )
        | "harbour" ->
            let ship i =
                let x = 140 + i * 300 + int ((seed >>> (i * 3)) % 60u)

                String.concat "" [
                    $"<polygon points=\"{x},350 {x + 150},350 {x + 130},372 {x + 20},372\" fill=\"#3b2a1e\"/>"
                    $"<line x1=\"{x + 75}\" y1=\"350\" x2=\"{x + 75}\" y2=\"250\" stroke=\"#3b2a1e\" stroke-width=\"4\"/>"
                    $"<polygon points=\"{x + 78},258 {x + 128},330 {x + 78},330\" fill=\"#efe6d2\"/>"
                ]

            group (
                "<rect x=\"0\" y=\"330\" width=\"1024\" height=\"50\" fill=\"#3f6f8f\"/>"
                + (List.map ship [ 0; 1; 2 ] |> String.concat "")
            )
        | "hall" ->
            let arches =
                [ 0..5 ]
                |> List.map (fun i ->
                    let x = 70 + i * 160
                    $"<path d=\"M{x},380 L{x},230 Q{x + 50},170 {x + 100},230 L{x + 100},380 Z\" fill=\"#2a2420\" opacity=\"0.55\"/>")
                |> String.concat ""

            group (
                $"<rect x=\"0\" y=\"112\" width=\"1024\" height=\"268\" fill=\"{stone}\"/>"
                + arches
            )
        | "battlefield" ->
            let banners =
                [ 0..4 ]
                |> List.map (fun i ->
                    let x = 90 + i * 200 + int ((seed >>> i) % 50u)

                    $"<line x1=\"{x}\" y1=\"370\" x2=\"{x}\" y2=\"280\" stroke=\"#2a2420\" stroke-width=\"3\"/><rect x=\"{x}\" y=\"280\" width=\"34\" height=\"22\" fill=\"{accent}\"/>")
                |> String.concat ""

            group (
                $"<path d=\"M0,380 Q250,300 520,350 T1024,320 L1024,380 Z\" fill=\"{stone}\" opacity=\"0.7\"/>"
                + "<circle cx=\"300\" cy=\"300\" r=\"40\" fill=\"#d8d2c8\" opacity=\"0.35\"/><circle cx=\"700\" cy=\"290\" r=\"55\" fill=\"#d8d2c8\" opacity=\"0.3\"/>"
                + banners
            )
        | "countryside" ->
            let trees =
                [ 0..6 ]
                |> List.map (fun i ->
                    let x = 60 + i * 150 + int ((seed >>> (i + 2)) % 40u)

                    $"<rect x=\"{x - 4}\" y=\"330\" width=\"8\" height=\"50\" fill=\"#4d3b2a\"/><circle cx=\"{x}\" cy=\"322\" r=\"24\" fill=\"#3f5a34\"/>")
                |> String.concat ""

            group (
                $"<path d=\"M0,380 Q300,310 600,360 T1024,330 L1024,380 Z\" fill=\"{stone}\" opacity=\"0.6\"/>"
                + trees
            )
        | _ -> group (skyline seed stone)

    let private figure (x: int) (baseY: int) (scale: float) (color: string) (label: string) =
        let s v = int (float v * scale)
        let headR = s 16
        let bodyH = s 92
        let bodyW = s 46
        let top = baseY - bodyH - headR * 2

        String.concat "" [
            $"<g class=\"figure\"><circle cx=\"{x}\" cy=\"{top + headR}\" r=\"{headR}\" fill=\"{color}\"/>"
            $"<path d=\"M{x - bodyW / 2},{baseY} L{x - bodyW / 3},{top + headR * 2 + 4} L{x + bodyW / 3},{top + headR * 2 + 4} L{x + bodyW / 2},{baseY} Z\" fill=\"{color}\"/>"
            $"<text x=\"{x}\" y=\"{baseY + 18}\" font-size=\"{max 10 (s 14)}\" text-anchor=\"middle\" fill=\"#f5f0e6\">{escape (Text.clip 24 label)}</text></g>"
        ]

    let private cast (characters: (string * CharacterRole) list) =
        let primary = characters |> List.filter (fun (_, r) -> r = CharacterRole.Primary)

        let secondary =
            characters |> List.filter (fun (_, r) -> r = CharacterRole.Secondary)

        let background =
            characters |> List.filter (fun (_, r) -> r = CharacterRole.Background)

        let spread (xs: 'a list) (centre: int) (gap: int) =
            xs |> List.mapi (fun i x -> x, centre + (2 * i - (xs.Length - 1)) * gap / 2)

        let back =
            spread (background |> List.truncate 4) 512 150
            |> List.map (fun ((n, _), x) -> figure x 430 0.6 "#2a2622" n)

        let side =
            secondary
            |> List.truncate 4
            |> List.mapi (fun i (n, _) ->
                let x =
                    if i % 2 = 0 then
                        512 - 190 - (i / 2) * 120
                    else
                        512 + 190 + (i / 2) * 120

                figure x 500 0.85 "#1d1a17" n)

        let front =
            spread (primary |> List.truncate 2) 512 120
            |> List.map (fun ((n, _), x) -> figure x 530 1.05 "#120f0d" n)

        back @ side @ front |> String.concat ""

    /// Renders the card: UTF-8 SVG bytes and their MIME type.
    let render (input: SceneCardInput) : byte[] * string =
        let k = Knowledge.embedded ()
        let era = input.Era |> Option.defaultValue (Years.era input.Year)

        let profileEra =
            if k.Profiles |> List.exists (fun p -> p.Era = era) then
                era
            else
                Years.era input.Year

        let scenery =
            (Query.analyse input.Title).Known
            |> Option.filter (fun m -> m.Place = input.Location)
            |> Option.bind (fun m -> m.Scenery)

        let profile =
            Kit.profileAt k profileEra (input.Region |> Option.defaultValue "*") input.Year
            |> (match scenery with
                | Some s -> Period.overlay s
                | None -> id)

        let top, bottom, sun, sunX, sunY = sky input.TimeOfDay
        let ground = hue profile 0 "#7a5a3a"
        let accent = hue profile 1 "#a0522d"
        let stone = hue profile 2 "#8c8c7a"

        let dateLine =
            match $"{input.DateLine} · {input.Location}" with
            | full when full.Length <= 90 -> full
            | _ -> $"{input.DateLine} · {Text.town input.Location}"

        let seed = Text.hash (input.Title + "|" + input.Location + "|" + string input.Year)

        let svg =
            String.concat "" [
                $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{escape (Text.clip 200 input.Title)}\">"
                $"<defs><linearGradient id=\"sky\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\"><stop offset=\"0\" stop-color=\"{top}\"/><stop offset=\"1\" stop-color=\"{bottom}\"/></linearGradient>"
                $"<linearGradient id=\"ground\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\"><stop offset=\"0\" stop-color=\"{ground}\"/><stop offset=\"1\" stop-color=\"#1a1410\"/></linearGradient></defs>"
                $"<rect width=\"{width}\" height=\"{height}\" fill=\"url(#sky)\"/>"
                $"<circle cx=\"{sunX}\" cy=\"{sunY}\" r=\"38\" fill=\"{sun}\" opacity=\"0.9\"/>"
                backdrop (placeKind input.Title input.Location input.Year) seed stone accent ground
                $"<rect x=\"0\" y=\"380\" width=\"{width}\" height=\"{height - 380}\" fill=\"url(#ground)\"/>"
                $"<rect x=\"0\" y=\"376\" width=\"{width}\" height=\"6\" fill=\"{accent}\" opacity=\"0.8\"/>"
                cast input.Characters
                "<rect x=\"0\" y=\"0\" width=\"1024\" height=\"112\" fill=\"#000000\" opacity=\"0.35\"/>"
                $"<text x=\"32\" y=\"52\" font-family=\"Georgia, serif\" font-size=\"32\" font-weight=\"bold\" fill=\"#fdf8ee\">{escape (Text.clip 60 input.Title)}</text>"
                $"<text x=\"32\" y=\"90\" font-family=\"Georgia, serif\" font-size=\"20\" fill=\"#efe6d2\">{escape (Text.clip 90 dateLine)}</text>"
                $"<text x=\"992\" y=\"556\" font-family=\"Georgia, serif\" font-size=\"18\" text-anchor=\"end\" fill=\"#efe6d2\">{escape era}</text>"
                "<text x=\"32\" y=\"556\" font-family=\"Helvetica, sans-serif\" font-size=\"13\" fill=\"#d8cfbd\">TimepointFlash offline engine · scene card</text>"
                "</svg>"
            ]

        Encoding.UTF8.GetBytes svg, mime

    /// The card input for a query's timeline and cast.
    let inputOf (title: string) (timeline: TimelineData) (characters: Character list) : SceneCardInput =
        let time =
            timeline.TimeOfDay
            |> Option.map (fun t -> $" ({Kit.timeOfDayName t})")
            |> Option.defaultValue ""

        {
            Title = title
            DateLine = Kit.displayDate timeline + time
            Location = timeline.Location
            Year = timeline.Year
            Era = timeline.Era
            Region = Gazetteer.tryResolve timeline.Location |> Option.map (fun p -> p.Region)
            TimeOfDay = timeline.TimeOfDay
            Characters = characters |> List.map (fun c -> c.Name, c.Role)
        }

    /// Renders a card for a timeline and cast (title = the scene's title or the query).
    let sceneCard (input: SceneCardInput) : byte[] * string = render input
