"""Patient pre-screen: a description of a person set against trials, criterion by criterion."""
