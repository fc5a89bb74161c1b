namespace TimepointFlash.Engines.Offline

open TimepointFlash

/// The offline engine's answers, one per agent: pure and deterministic (same input, same output).
[<RequireQualifiedAccess>]
module Answers =
    /// Judges whether a query is a moment in time, and what it names.
    let judge (query: string) : JudgeResult = JudgeAnswer.answer query

    /// Places the moment in time and space (exactly the anchor's point and location when navigating).
    let timeline (query: string) (judge: JudgeResult) (anchor: Anchor option) : TimelineData =
        TimelineAnswer.answer query judge anchor

    /// Describes the physical scene.
    let scene (query: string) (timeline: TimelineData) (anchor: Anchor option) : SceneData =
        SceneAnswer.answer query timeline anchor

    /// Casts 1–8 people: named participants, carried-over characters, detected figures, period people.
    let characters
        (query: string)
        (judge: JudgeResult)
        (timeline: TimelineData)
        (scene: SceneData)
        (anchor: Anchor option)
        : CharacterData =
        CastAnswer.answer query judge timeline scene anchor

    /// Gives the scene its plot, stakes and tension arc.
    let moment
        (query: string)
        (timeline: TimelineData)
        (scene: SceneData)
        (characters: CharacterData)
        (anchor: Anchor option)
        : MomentData =
        StoryAnswer.moment query timeline scene characters anchor

    /// Writes 1–7 lines, each spoken by one of the given speakers (at most 4 used).
    let dialog (query: string) (timeline: TimelineData) (scene: SceneData) (speakers: Character list) : DialogData =
        StoryAnswer.dialog query timeline scene speakers

    /// Frames the shot from the scene's light and focal point and the cast.
    let camera (scene: SceneData) (characters: CharacterData) (moment: MomentData option) : CameraData =
        StagingAnswer.camera scene characters moment

    /// Relationships and factions among the present characters.
    let graph (characters: CharacterData) (moment: MomentData option) : GraphData =
        StagingAnswer.graph characters moment
