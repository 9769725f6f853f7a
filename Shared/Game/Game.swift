// The Game module's files go here.
