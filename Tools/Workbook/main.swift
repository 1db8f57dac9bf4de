import ZeroToHero
