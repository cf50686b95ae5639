// Package sync gathers replication between partner centres: sync/peer speaks
// Syncthing's Block Exchange Protocol, sync/discovery (to come) finds
// partners on the local network.
package sync
