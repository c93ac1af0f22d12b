"""Documents kept on this computer: the attachment cache, download plans and offline packs."""
