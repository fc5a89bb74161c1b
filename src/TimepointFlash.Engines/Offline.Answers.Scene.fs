namespace TimepointFlash.Engines.Offline

open TimepointFlash

/// The offline scene: environment, light, weather and senses from the moment data and the era/region profile.
[<RequireQualifiedAccess>]
module SceneAnswer =
    let private lightAt (time: TimeOfDay option) (profile: Profile) =
        let sky =
            match time with
            | Some TimeOfDay.Dawn -> "pale dawn light, long cool shadows"
            | Some TimeOfDay.Morning -> "clear morning light from a low sun"
            | Some TimeOfDay.Midday -> "hard overhead midday light with short shadows"
            | Some TimeOfDay.Afternoon -> "warm, slanting afternoon light"
            | Some TimeOfDay.Evening -> "golden evening light turning amber"
            | Some TimeOfDay.Dusk -> "fading dusk light, the first lamps being lit"
            | Some TimeOfDay.Night
            | Some TimeOfDay.Midnight -> "darkness broken by flickering lamps and torches"
            | None -> "even daylight"

        $"{sky}; {profile.Light}"

    let private weather (season: Season option) (region: string) =
        match season, region with
        | Some Season.Summer, r when r = Region.mena || r = Region.southAsia -> "hot and dry, dust hanging in the air"
        | Some Season.Summer, _ -> "warm and clear"
        | Some Season.Winter, r when r = Region.mena || r = Region.southAsia -> "mild and dry"
        | Some Season.Winter, _ -> "cold, under a grey sky"
        | Some Season.Spring, _ -> "mild, with a fresh breeze"
        | Some Season.Fall, _ -> "cool, with a changeable sky"
        | None, _ -> "fair"

    let private temperature (season: Season option) (time: TimeOfDay option) =
        match season, time with
        | Some Season.Winter, _ -> "cold enough to see breath"
        | Some Season.Summer, Some(TimeOfDay.Night | TimeOfDay.Midnight) -> "warm night air"
        | Some Season.Summer, _ -> "hot"
        | _, Some(TimeOfDay.Dawn | TimeOfDay.Night | TimeOfDay.Midnight) -> "cool"
        | _ -> "mild"

    let private atmosphereOf (tension: string) =
        match tension with
        | "climactic" -> "Charged and chaotic; everyone senses that what happens in the next minutes cannot be undone"
        | "high" -> "Tense and expectant, voices low, every gesture watched"
        | "low" -> "Calm and unhurried, with a quiet sense of occasion"
        | _ -> "Busy and watchful, an ordinary day with something unusual in the air"

    let private moodOf (tension: string) =
        match tension with
        | "climactic" -> "dread and exhilaration"
        | "high" -> "anticipation"
        | "low" -> "contemplative"
        | _ -> "curious"

    let private senses (f: Frame) (lighting: string) (temp: string) =
        let p = f.Profile

        [
            {
                Sense = Sense.Sight
                Description = Text.capitalise lighting
                Intensity = Intensity.Strong
            }
            {
                Sense = Sense.Sound
                Description = Text.capitalise (Text.pickOr "voices" f.Seed 11 p.Sounds)
                Intensity = Intensity.Moderate
            }
            {
                Sense = Sense.Smell
                Description = Text.capitalise (Text.pickOr "dust" f.Seed 12 p.Smells)
                Intensity = Intensity.Moderate
            }
            {
                Sense = Sense.Touch
                Description = Text.capitalise $"the air is {temp}"
                Intensity = Intensity.Subtle
            }
        ]

    let private ofKnown (f: Frame) (m: KnownMoment) (t: TimelineData) : SceneData =
        let p = f.Profile
        let lighting = lightAt t.TimeOfDay p
        let temp = temperature t.Season t.TimeOfDay

        let primary =
            m.Participants |> List.tryFind (fun x -> x.Role = CharacterRole.Primary)

        let factions = m.Participants |> List.choose (fun x -> x.Faction) |> List.distinct

        {
            Setting = $"{m.Place}, {Kit.displayDate t}. {m.Context}"
            Atmosphere = $"{atmosphereOf m.Tension}. {m.Stakes}"
            Weather = Some(weather t.Season m.Region)
            Lighting = Some lighting
            Temperature = Some temp
            Architecture = Some p.Architecture
            Objects = (if m.Objects.IsEmpty then p.Objects else m.Objects)
            Furniture = p.Furniture
            SensoryDetails = senses f lighting temp
            CrowdDescription =
                Some(
                    m.Participants
                    |> List.filter (fun x -> x.Role = CharacterRole.Background)
                    |> List.map (fun x -> $"{x.Name}, {x.Description}")
                    |> function
                        | [] -> "Onlookers: " + (p.Bystanders |> List.truncate 3 |> String.concat ", ")
                        | xs -> String.concat "; " xs
                )
            SocialDynamics =
                match factions with
                | []
                | [ _ ] -> Some "One circle of people bound by a shared purpose, not all equally committed"
                | fs -> Some $"""{String.concat " and " fs} face each other across the scene"""
            TensionLevel = TensionLevel.parse m.Tension
            Mood = Some(moodOf m.Tension)
            FocalPoint = primary |> Option.map (fun x -> $"{x.Name}, who {x.Action}")
            ColorPalette = p.Palette
        }

    let private ofFrame (f: Frame) (t: TimelineData) (anchor: Anchor option) : SceneData =
        let p = f.Profile
        let lighting = lightAt t.TimeOfDay p
        let temp = temperature t.Season t.TimeOfDay
        let figure = f.Analysis.Figures |> List.tryHead |> Option.map fst
        let bystander = Kit.jobOf f 0

        let tension =
            match anchor with
            | Some _ -> "medium"
            | None ->
                if Screen.isSpeculative f.Analysis.Normalised then
                    "high"
                else
                    Text.pick f.Seed 14 [ "low"; "medium"; "medium"; "high" ]

        let setting =
            match anchor with
            | Some an ->
                let label =
                    if an.Direction.Trim().ToLowerInvariant() = "prior" then
                        "Later"
                    else
                        "Earlier"

                let before =
                    an.Setting
                    |> Option.bind (Text.clip 300 >> Period.clean t.Year)
                    |> Option.map (fun s -> $" {label}: {s}")
                    |> Option.defaultValue ""

                let place = Period.clean t.Year t.Location |> Option.defaultValue "The same place"
                $"{place}, {Kit.displayDate t}, {an.Offset}. The same place, changed by time.{before}"
            | None -> $"{t.Location}, {Kit.displayDate t}: {p.Architecture}. {p.Backdrop}"

        {
            Setting = setting
            Atmosphere =
                match Query.cleaned f.Analysis with
                | "" -> atmosphereOf tension
                | request ->
                    match Period.clean t.Year (Text.clip 200 request) with
                    | Some fitting -> $"{atmosphereOf tension}. The scene follows the request: {fitting}"
                    | None -> atmosphereOf tension
            Weather = Some(weather t.Season f.Region)
            Lighting = Some lighting
            Temperature = Some temp
            Architecture = Some p.Architecture
            Objects = p.Objects
            Furniture = p.Furniture
            SensoryDetails = senses f lighting temp
            CrowdDescription = Some $"""{p.Bystanders |> List.truncate 4 |> String.concat ", "} going about their day"""
            SocialDynamics =
                Some
                    $"Everyday hierarchies of the {f.Era.ToLowerInvariant()} world: who may speak first, who must step aside"
            TensionLevel = TensionLevel.parse tension
            Mood = Some(moodOf tension)
            FocalPoint =
                Some(
                    match anchor |> Option.bind (fun an -> List.tryHead an.Characters), figure with
                    | Some c, _ -> c.Name
                    | None, Some x -> $"{x.Name}, {x.Description}"
                    | None, None -> $"{Text.article bystander} at the centre of {Text.inSentence t.Location}"
                )
            ColorPalette = p.Palette
        }

    /// Describes the physical scene.
    let answer (query: string) (timeline: TimelineData) (anchor: Anchor option) : SceneData =
        let f = Kit.frame query timeline

        match anchor, f.Known with
        | None, Some m -> ofKnown f m timeline
        | _ -> ofFrame f timeline anchor
