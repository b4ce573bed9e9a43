import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, unwrap } from '@/api/client'
import type { User } from '@/api/types'

/** Who is logged in (a Django session), asked once and after login/logout. */
export const useAuthStore = defineStore('auth', () => {
  const user = ref<User | null>(null)
  const checked = ref(false)
  /** Whether /signup/ is open to anyone (SYNDATA_SELF_SIGNUP); else invitation links only. */
  const selfSignup = ref(false)
  const isAuthenticated = computed(() => user.value !== null)

  async function fetchMe(): Promise<void> {
    try {
      const me = await unwrap(api.GET('/api/auth/me'))
      user.value = me.user ?? null
      selfSignup.value = me.self_signup
    } catch {
      user.value = null
    } finally {
      checked.value = true
    }
  }

  async function ensureChecked(): Promise<void> {
    if (!checked.value) await fetchMe()
  }

  async function login(username: string, password: string): Promise<void> {
    const me = await unwrap(api.POST('/api/auth/login', { body: { username, password } }))
    user.value = me.user ?? null
    checked.value = true
  }

  async function logout(): Promise<void> {
    await unwrap(api.POST('/api/auth/logout'))
    user.value = null
  }

  return { user, checked, selfSignup, isAuthenticated, fetchMe, ensureChecked, login, logout }
})
