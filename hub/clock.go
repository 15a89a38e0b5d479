package hub

import "github.com/lookout-network/lookout"

// SetClock replaces the hub's clock, so that tests can move time past
// lock-outs, session ends and deadlines. Call it before the hub serves.
func (h *Hub) SetClock(now lookout.Clock) { h.now = now }
