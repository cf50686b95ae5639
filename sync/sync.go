// Package sync gathers replication between partner centres: sync/peer speaks
// Syncthing's Block Exchange Protocol, sync/discover finds partners on the
// local network with signed announcements. The network package runs both
// for the app.
package sync
