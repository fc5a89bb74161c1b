namespace TimepointFlash.Engines.Offline

open TimepointFlash

/// The offline cast's voices: a social register per speaker (distinct among the speakers), a temperament and an
/// emotional state from the moment's tension, and birth/death years from the curated record.
[<RequireQualifiedAccess>]
module VoiceAnswer =
    /// A social register: the words that place someone in it and how that register sounds.
    type private Register = {
        Name: string
        Cues: string list
        Style: string
    }

    let private registers = [
        {
            Name = "office"
            Cues = [
                "king"
                "queen"
                "emperor"
                "president"
                "minister"
                "delegate"
                "senator"
                "governor"
                "consul"
            ]
            Style = "formal and measured, the register of office: complete sentences, titles used, few contractions"
        }
        {
            Name = "soldiery"
            Cues = [
                "soldier"
                "officer"
                "general"
                "captain"
                "sergeant"
                "guard"
                "commander"
                "sailor"
            ]
            Style = "clipped and practical, the talk of soldiers and sailors: short orders, plain nouns"
        }
        {
            Name = "learning"
            Cues = [
                "priest"
                "monk"
                "nun"
                "bishop"
                "scholar"
                "scribe"
                "astronomer"
                "physician"
                "scientist"
            ]
            Style = "careful and searching, the voice of faith or learning: qualifies, cites, asks questions back"
        }
        {
            Name = "trade"
            Cues = [ "merchant"; "trader"; "shopkeeper"; "banker"; "clerk"; "innkeeper"; "vendor" ]
            Style = "brisk and persuasive, the language of trade: prices, bargains and practical news"
        }
        {
            Name = "street"
            Cues = [
                "worker"
                "labourer"
                "farmer"
                "porter"
                "fisher"
                "peasant"
                "servant"
                "apprentice"
            ]
            Style = "plain and direct, the speech of working people: short words, concrete things, dry humour"
        }
        {
            Name = "household"
            Cues = [ "wife"; "husband"; "mother"; "father"; "child"; "widow"; "daughter"; "son" ]
            Style = "warm and familiar, the speech of the household: names, worries, small kindnesses"
        }
    ]

    let private temperaments = [
        "steady and deliberate"
        "quick-witted and restless"
        "proud and guarded"
        "earnest and warm"
        "shrewd and sceptical"
        "reserved and observant"
    ]

    let private cued (text: string) =
        let t = Text.normalise text

        registers
        |> List.tryFindIndex (fun r -> r.Cues |> List.exists (fun c -> t.Contains c))

    /// Registers for a cast: each speaker's own from their description when free, else the next one unused, so
    /// no two speakers share one (while there are registers to go round).
    let registersFor (cast: Character list) : Map<string, string> =
        let folder (taken: Set<int>, acc: Map<string, string>) (i: int, c: Character) =
            let preferred =
                cued (c.Description + " " + defaultArg c.HistoricalNote "")
                |> Option.defaultValue (int (Text.hash c.Name % uint32 registers.Length))

            let pick =
                [ 0 .. registers.Length - 1 ]
                |> List.map (fun k -> (preferred + k) % registers.Length)
                |> List.tryFind (fun k -> not (taken.Contains k))
                |> Option.defaultValue ((preferred + i) % registers.Length)

            taken.Add pick, acc.Add(c.Name, registers[pick].Style)

        cast
        |> List.filter (fun c -> c.SpeaksInScene)
        |> List.indexed
        |> List.fold folder (Set.empty, Map.empty)
        |> snd

    let private emotion (tension: string) (role: CharacterRole) =
        match tension, role with
        | "climactic", CharacterRole.Primary -> "resolve edged with fear"
        | "climactic", _ -> "alarm barely held in check"
        | "high", CharacterRole.Primary -> "grave, aware of what is at stake"
        | "high", _ -> "uneasy, watching for what comes next"
        | "low", _ -> "at ease, curious"
        | _ -> "attentive and expectant"

    /// A voice for one person of the scene.
    let voice
        (year: int)
        (era: string)
        (tension: string)
        (registers: Map<string, string>)
        (born: int option)
        (died: int option)
        (c: Character)
        : Voice =
        let style =
            registers
            |> Map.tryFind c.Name
            |> Option.defaultValue "quiet and sparing with words; speaks only when spoken to"

        let temperament = temperaments[int (Text.hash c.Name % uint32 temperaments.Length)]

        {
            Personality = Some $"{temperament}; {c.Description}"
            SpeakingStyle = Some style
            VoiceNotes =
                Some
                    $"Speaks as someone living in {Years.display year} ({era}); no modern idiom and no knowledge of anything later"
            EmotionalState = Some(emotion tension c.Role)
            BirthYear = born
            DeathYear = died |> Option.filter (fun d -> born |> Option.forall (fun b -> b <= d))
        }

    /// Gives every character of a cast a voice; years come from `years` (by name), speakers get distinct registers.
    let give
        (year: int)
        (era: string)
        (tension: string)
        (years: string -> int option * int option)
        (cast: Character list)
        =
        let regs = registersFor cast

        cast
        |> List.map (fun c ->
            let born, died = years c.Name

            {
                c with
                    Voice = voice year era tension regs born died c
            })
