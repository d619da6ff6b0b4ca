package conformance

// RaceEnabled reports raceEnabled to the external tests.
const RaceEnabled = raceEnabled
